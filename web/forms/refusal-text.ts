// The journey engine words its refusals in English for the API's callers.
// The pages say the same reasons in French; a reason not listed here is
// shown as the engine gave it.
import { formatDate } from '../../mail/templates/dates';

const day = (iso: string) => formatDate(iso);

const FRENCH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^\S+ cannot be in the future$/, () => 'cette date ne peut pas être dans le futur.'],
  [
    /^\S+ is older than the late-entry limit \((\S+)\)$/,
    () => 'cette date est plus ancienne que la limite de saisie tardive.',
  ],
  [/^\S+ is more than two years ahead$/, () => 'cette date est à plus de deux ans.'],
  [/^\S+ \((\S+)\) is before (.+) \((\S+)\)$/, (m) => `cette date est antérieure au ${day(m[3] as string)}.`],
  [
    /^the (3m|6m) follow-up is not due before (\S+)$/,
    (m) => `le suivi à ${m[1] === '6m' ? 6 : 3} mois n’est pas dû avant le ${day(m[2] as string)}.`,
  ],
  [
    /^the (3m|6m) follow-up is already resolved$/,
    (m) => `le suivi à ${m[1] === '6m' ? 6 : 3} mois est déjà clos.`,
  ],
  [
    /^the (3m|6m) follow-up does not exist for this journey$/,
    () => 'ce suivi n’existe pas pour ce parcours.',
  ],
  [
    /^plannedEndDate must be after the current planned end \((\S+)\)$/,
    (m) => `la nouvelle fin doit être après la fin prévue actuelle (${day(m[1] as string)}).`,
  ],
  [
    /^training time, suspensions excluded, would exceed 24 months \(latest end (\S+)\)$/,
    (m) => `la formation dépasserait 24 mois hors suspensions (fin au plus tard le ${day(m[1] as string)}).`,
  ],
  [/^the journey is already at this fabrique$/, () => 'le parcours est déjà dans cette fabrique.'],
  [
    /^The birth date gives an implausible age\.$/,
    () => 'cette date de naissance donne un âge invraisemblable (de 14 à 99 ans attendus).',
  ],
  [/^\S+ is not a known fabrique\.$/, () => 'cette fabrique n’existe pas.'],
];

/** The engine's reason in French when it is one of the usual ones. */
export function refusalText(reason: string): string {
  for (const [pattern, french] of FRENCH) {
    const m = pattern.exec(reason);
    if (m) return french(m);
  }
  return reason;
}
