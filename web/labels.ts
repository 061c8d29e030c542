// The French words of the web app: statuses, actions (button names), events
// of the timeline, deadlines, and the fields of the forms. Statuses and
// actions are worded as the design fixes them.
import type { TimerKind } from '../domain/deadlines';
import type { ActionName, Status } from '../domain/transitions';

export const STATUS_LABELS: Readonly<Record<Status, string>> = {
  referred: 'Orienté·e',
  in_review: 'À l’étude',
  waitlisted: 'En liste d’attente',
  admitted: 'Admis·e',
  in_training: 'En formation',
  suspended: 'Suspendu·e',
  follow_up: 'Suivi après formation',
  refused: 'Refusé·e',
  withdrawn: 'Retiré·e',
  expired: 'Expiré·e',
  closed: 'Clôturé·e',
};

/** DSFR badge colour of each status. */
export const STATUS_BADGES: Readonly<Record<Status, string>> = {
  referred: 'new',
  in_review: 'info',
  waitlisted: 'warning',
  admitted: 'success',
  in_training: 'success',
  suspended: 'warning',
  follow_up: 'info',
  refused: 'error',
  withdrawn: 'error',
  expired: 'error',
  closed: 'success',
};

export const ACTION_LABELS: Readonly<Record<ActionName, string>> = {
  'take-in-review': 'Prendre à l’étude',
  waitlist: 'Mettre en liste d’attente',
  admit: 'Admettre',
  refuse: 'Refuser',
  withdraw: 'Retirer',
  'confirm-start': 'Confirmer l’entrée en formation',
  'report-no-show': 'Signaler une absence au démarrage',
  suspend: 'Suspendre',
  resume: 'Reprendre',
  extend: 'Prolonger',
  'record-dropout': 'Enregistrer un abandon',
  'record-completion': 'Enregistrer la fin de formation',
  'record-follow-up': 'Enregistrer un suivi',
  transfer: 'Transférer',
  close: 'Clôturer',
};

/** What timers do, as the timeline and the next deadline show them. */
export const TIMER_LABELS: Readonly<Record<TimerKind, string>> = {
  'decision-reminder': 'Relance de la fabrique pour une décision',
  'decision-escalation': 'Alerte aux gestionnaires : décision en attente',
  'decision-expiry': 'Expiration faute de décision',
  'waitlist-expiry': 'Expiration de la liste d’attente',
  'interview-reminder': 'Rappel de l’entretien',
  'start-reminder': 'Relance : entrée en formation à confirmer',
  'start-escalation': 'Alerte aux gestionnaires : entrée non confirmée',
  'end-reminder': 'Relance : fin de formation à enregistrer',
  'follow-up-survey': 'Envoi du questionnaire de suivi',
  'follow-up-reminder': 'Relance du questionnaire de suivi',
  'follow-up-collect': 'Demande de collecte du suivi',
  'follow-up-give-up': 'Suivi clos sans réponse',
};

export function eventLabel(event: string): string {
  if (event === 'refer') return 'Orientation';
  return (
    (ACTION_LABELS as Record<string, string>)[event] ??
    (TIMER_LABELS as Record<string, string>)[event] ??
    event
  );
}

/** Labels of the inputs of every form, by the API body's field name. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  interviewAt: 'Date et heure de l’entretien',
  note: 'Note',
  startDate: 'Date d’entrée en formation',
  durationMonths: 'Durée de la formation (mois)',
  trainingTitle: 'Intitulé de la formation',
  reason: 'Motif',
  shareWithLearner: 'Communiquer le motif à la personne orientée',
  message: 'Message',
  from: 'Date de début de la suspension',
  date: 'Date',
  plannedEndDate: 'Nouvelle date de fin prévue',
  certified: 'Certification obtenue',
  certification: 'Intitulé de la certification',
  milestone: 'Échéance du suivi',
  outcome: 'Situation',
  employer: 'Employeur ou organisme',
  jobTitle: 'Poste ou formation',
  contractStart: 'Début du contrat ou de la formation',
  toFabriqueId: 'Nouvelle fabrique',
  firstName: 'Prénom',
  lastName: 'Nom',
  email: 'Adresse électronique',
  phone: 'Téléphone',
  birthDate: 'Date de naissance',
  gender: 'Genre',
  postalCode: 'Code postal',
  qpvResident: 'Réside dans un quartier prioritaire de la ville (QPV)',
  diplomaLevel: 'Niveau de diplôme',
  fabriqueId: 'Fabrique',
  referrerName: 'Conseiller ou conseillère qui suit la personne',
  referrerEmail: 'Adresse électronique du conseiller ou de la conseillère',
};

/** Field-specific hints, where the label alone could mislead. */
export const FIELD_HINTS: Readonly<Record<string, string>> = {
  reason: 'Expliquez en quelques mots.',
  durationMonths: 'De 3 à 24 mois.',
  referrerName: 'Elle reçoit les courriels de ce parcours à la place de l’adresse de votre structure.',
  postalCode: 'Cinq chiffres, par exemple 93200.',
  phone: 'Par exemple 06 12 34 56 78.',
};

export const MILESTONE_LABELS: Readonly<Record<string, string>> = {
  '3m': 'Suivi à 3 mois',
  '6m': 'Suivi à 6 mois',
};

export const FOLLOW_UP_STATUS_LABELS: Readonly<Record<string, string>> = {
  pending: 'À venir',
  sent: 'Questionnaire envoyé',
  answered: 'Répondu',
  unknown: 'Sans réponse',
};

export const NOTIFICATION_STATUS_LABELS: Readonly<Record<string, string>> = {
  sent: 'Envoyé',
  sending: 'En cours d’envoi',
  retry: 'Nouvel essai prévu',
  uncertain: 'Peut-être envoyé (à vérifier)',
  skipped: 'Non envoyé (données effacées)',
};

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  agency: 'Prescripteur',
  fabrique: 'Fabrique',
  manager: 'Gestionnaire',
  learner: 'Personne orientée (lien de suivi)',
  system: 'Parcours (échéance automatique)',
  admin: 'Administration',
};

/** Labels of the journey list's filters (the API's query names). */
export const FILTER_LABELS: Readonly<Record<string, string>> = {
  status: 'Statut',
  fabriqueId: 'Fabrique',
  agencyId: 'Prescripteur',
  qpvResident: 'Quartier prioritaire (QPV)',
  gender: 'Genre',
  from: 'Orienté·e à partir du',
  to: 'Orienté·e jusqu’au',
  cursor: 'Page',
};

/** Labels of the dashboard's filters (GET /v1/stats's query names). */
export const DASHBOARD_FILTER_LABELS: Readonly<Record<string, string>> = {
  from: 'Orienté·e à partir du',
  to: 'Orienté·e jusqu’au',
  fabriqueId: 'Fabrique',
  region: 'Région',
};

/** What each email of the notification log is about, by the event part of its template name. */
const EMAIL_EVENTS: Readonly<Record<string, string>> = {
  admitted: 'Admission',
  closed: 'Clôture',
  completed: 'Fin de formation',
  'decision-escalation': 'Alerte : décision en attente',
  'decision-reminder': 'Relance : décision à prendre',
  dropout: 'Abandon',
  'end-reminder': 'Relance : fin de formation à enregistrer',
  expired: 'Expiration',
  extended: 'Prolongation',
  'follow-up-collect': 'Suivi à collecter',
  'follow-up-reminder': 'Relance du questionnaire de suivi',
  'follow-up-survey': 'Questionnaire de suivi',
  'in-review': 'Candidature à l’étude',
  'interview-reminder': 'Rappel de l’entretien',
  'no-show': 'Absence au démarrage',
  'referral-new': 'Nouvelle orientation',
  'referral-received': 'Orientation reçue',
  refused: 'Refus',
  resumed: 'Reprise de la formation',
  'start-escalation': 'Alerte : entrée non confirmée',
  'start-reminder': 'Relance : entrée à confirmer',
  started: 'Entrée en formation',
  suspended: 'Suspension',
  'transferred-in': 'Transfert vers la fabrique',
  'transferred-out': 'Transfert hors de la fabrique',
  transferred: 'Transfert',
  waitlisted: 'Liste d’attente',
  withdrawn: 'Retrait',
};

const EMAIL_RECIPIENTS: Readonly<Record<string, string>> = {
  learner: 'à la personne orientée',
  agency: 'au prescripteur',
  fabrique: 'à la fabrique',
  managers: 'aux gestionnaires',
};

/** "Nouvelle orientation, à la fabrique" for `referral-new.fabrique`; the name itself when unknown. */
export function emailLabel(template: string): string {
  const [event = '', recipient = ''] = template.split('.');
  const what = EMAIL_EVENTS[event];
  const to = EMAIL_RECIPIENTS[recipient];
  return what && to ? `${what}, ${to}` : template;
}

/** Why an email needs a person (/courriels), and what the person can do about it. */
export const REVIEW_REASON_LABELS: Readonly<Record<string, { label: string; help: string }>> = {
  resent: {
    label: 'Renvoyé après un arrêt',
    help: 'Le service s’est arrêté pendant l’envoi : le courriel est reparti, et le destinataire l’a peut-être reçu deux fois. En général, rien à faire.',
  },
  refused: {
    label: 'Refusé par le serveur de messagerie',
    help: 'L’adresse est sans doute fausse ou n’existe plus : faites-la corriger et prévenez le destinataire autrement.',
  },
  skipped: {
    label: 'Non envoyé (données effacées)',
    help: 'Les données de la personne ont été effacées : il n’y avait plus personne à qui écrire.',
  },
  uncertain: {
    label: 'Peut-être envoyé',
    help: 'Laissé incertain par une version ancienne de Parcours : vérifiez auprès du destinataire.',
  },
};

/** What the audit log records about an organisation, in words. */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  'organization.create': 'Organisation créée',
  'member.add': 'Membre ajouté',
  'member.remove': 'Membre retiré',
  'api-key.issue': 'Clé d’API créée',
  'api-key.revoke': 'Clé d’API révoquée',
};

/** Labels of the organisation form's inputs (the API body's names, and the first member's). */
export const ORGANIZATION_FIELD_LABELS: Readonly<Record<string, string>> = {
  type: 'Type d’organisation',
  name: 'Nom de l’organisation',
  email: 'Adresse électronique de l’organisation',
  region: 'Région',
  department: 'Département',
  agencyKind: 'Type de prescripteur',
  memberName: 'Nom et prénom du premier membre',
  memberEmail: 'Adresse électronique du premier membre',
};

export const ORGANIZATION_FIELD_HINTS: Readonly<Record<string, string>> = {
  email: 'Elle reçoit les courriels des parcours de l’organisation.',
  agencyKind: 'Pour un prescripteur seulement.',
  memberEmail: 'Cette personne se connectera à Parcours avec un lien reçu à cette adresse.',
};
