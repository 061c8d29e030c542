// Code lists with their French labels. Codes are stored; labels are shown.
// A retired code stays here (marked retired) so that old timelines still read.

export interface CodeList<C extends string> {
  readonly codes: readonly C[];
  readonly labels: Readonly<Record<C, string>>;
}

function codeList<C extends string>(labels: Record<C, string>): CodeList<C> {
  return { codes: Object.keys(labels) as C[], labels };
}

export const REFUSAL_REASONS = codeList({
  unreachable: 'Candidat·e injoignable',
  interview_no_show: 'Absence à l’entretien',
  prerequisites_not_met: 'Prérequis non remplis',
  not_interested: 'Candidat·e plus intéressé·e',
  session_full: 'Session complète',
  found_job: 'A trouvé un emploi',
  other_training: 'A choisi une autre formation',
  incompatible_constraints: 'Contraintes incompatibles avec la formation',
  duplicate: 'Orientation en double',
  other: 'Autre motif',
});
export type RefusalReason = (typeof REFUSAL_REASONS.codes)[number];

export const WITHDRAWAL_REASONS = codeList({
  learner_declined: 'Le ou la candidat·e a renoncé',
  found_job: 'A trouvé un emploi',
  moved: 'A déménagé',
  unreachable: 'Candidat·e injoignable',
  no_show: 'Ne s’est pas présenté·e au démarrage',
  other: 'Autre motif',
});
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS.codes)[number];

export const SUSPENSION_REASONS = codeList({
  health: 'Santé',
  family: 'Raisons familiales',
  maternity: 'Maternité',
  administrative: 'Raisons administratives',
  other: 'Autre motif',
});
export type SuspensionReason = (typeof SUSPENSION_REASONS.codes)[number];

export const DROPOUT_REASONS = codeList({
  found_job: 'A trouvé un emploi',
  health: 'Santé',
  personal: 'Raisons personnelles',
  motivation: 'Manque de motivation',
  excluded: 'Exclusion',
  moved: 'A déménagé',
  other: 'Autre motif',
});
export type DropoutReason = (typeof DROPOUT_REASONS.codes)[number];

export const FOLLOW_UP_OUTCOMES = codeList({
  cdi: 'CDI',
  cdd_6m_plus: 'CDD de 6 mois ou plus',
  cdd_under_6m: 'CDD de moins de 6 mois',
  interim: 'Intérim',
  alternance: 'Alternance',
  training: 'Formation',
  business_creation: 'Création d’entreprise',
  job_seeking: 'En recherche d’emploi',
  inactive: 'Inactif·ve',
  unknown: 'Situation inconnue',
});
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES.codes)[number];

/** A "sortie positive": employment, work-study, training or business creation. */
export const POSITIVE_OUTCOMES: readonly FollowUpOutcome[] = [
  'cdi',
  'cdd_6m_plus',
  'cdd_under_6m',
  'interim',
  'alternance',
  'training',
  'business_creation',
];

export const GENDERS = codeList({
  female: 'Femme',
  male: 'Homme',
  other: 'Autre',
  undisclosed: 'Non communiqué',
});
export type Gender = (typeof GENDERS.codes)[number];

export const DIPLOMA_LEVELS = codeList({
  none: 'Sans diplôme',
  cap_bep: 'CAP / BEP',
  bac: 'Baccalauréat',
  bac_plus_2: 'Bac +2',
  bac_plus_3_plus: 'Bac +3 et plus',
});
export type DiplomaLevel = (typeof DIPLOMA_LEVELS.codes)[number];

export const AGENCY_KINDS = codeList({
  mission_locale: 'Mission Locale',
  france_travail: 'France Travail',
  cap_emploi: 'Cap emploi',
  e2c: 'École de la 2e chance',
  epide: 'EPIDE',
  pij_bij: 'Point / Bureau Information Jeunesse',
  association: 'Association',
  other: 'Autre',
});
export type AgencyKind = (typeof AGENCY_KINDS.codes)[number];

/** Age bands kept on the learner for the indicators (age at referral). */
export const AGE_BANDS = codeList({
  under_18: 'Moins de 18 ans',
  '18_25': '18 à 25 ans',
  '26_30': '26 à 30 ans',
  '31_44': '31 à 44 ans',
  '45_plus': '45 ans et plus',
});
export type AgeBand = (typeof AGE_BANDS.codes)[number];

export function ageBand(age: number): AgeBand {
  if (age < 18) return 'under_18';
  if (age < 26) return '18_25';
  if (age < 31) return '26_30';
  if (age < 45) return '31_44';
  return '45_plus';
}
