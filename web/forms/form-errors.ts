// Why a form was refused, in French, field by field: from the zod issues of
// the API's schema, or from the Problem the API would have answered.
import type { z } from 'zod';
import { Problem } from '../../api/problem';
import { refusalText } from './refusal-text';
import type { FormField } from './schema-fields';

export interface FormErrors {
  /** Messages by field name, shown under each input. */
  fields: Record<string, string>;
  /** The error summary at the top: each message, linked to its input when it has one. */
  summary: { field?: string; message: string }[];
}

function issueMessage(issue: z.core.$ZodIssue, field: FormField | undefined, missing: boolean): string {
  const kind = field?.kind;
  if (missing) {
    return kind === 'select' || kind === 'boolean' ? 'Choisissez une réponse.' : 'Ce champ est obligatoire.';
  }
  if (issue.code === 'unrecognized_keys') return 'Ce formulaire contient un champ inconnu.';
  if (kind === 'number' && field?.min !== undefined && field.max !== undefined) {
    return `Saisissez un nombre entier de ${field.min} à ${field.max}.`;
  }
  if (kind === 'date') return 'Saisissez une date valide, de 1900 à 2199.';
  if (kind === 'datetime') return 'Saisissez une date et une heure valides.';
  if (kind === 'select' || kind === 'boolean') return 'Choisissez une des réponses proposées.';
  if (kind === 'email')
    return 'Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.';
  if (issue.code === 'too_big') return `${String(issue.maximum)} caractères au plus.`;
  if (issue.code === 'too_small') return 'Ce champ est obligatoire.';
  if (field?.name === 'postalCode') return 'Saisissez un code postal français de cinq chiffres.';
  if (field?.name === 'phone') return 'Saisissez un numéro de téléphone, par exemple 06 12 34 56 78.';
  return 'Cette valeur n’est pas acceptée (caractères de contrôle ?).';
}

/**
 * French errors of a failed parse of the posted `values`; `fieldOf` maps an
 * issue path to a form field name.
 */
export function zodErrors(
  error: z.ZodError,
  fields: FormField[],
  values: Record<string, string>,
  fieldOf: (path: string) => string = (p) => p,
): FormErrors {
  const out: FormErrors = { fields: {}, summary: [] };
  for (const issue of error.issues) {
    const name = fieldOf(issue.path.map(String).join('.'));
    const field = fields.find((f) => f.name === name);
    const missing = issue.code !== 'unrecognized_keys' && !(values[name] ?? '').trim();
    const message = issueMessage(issue, field, missing);
    if (field && !out.fields[name]) {
      out.fields[name] = message;
      out.summary.push({ field: name, message: `${field.label} : ${message}` });
    } else if (!field) out.summary.push({ message });
  }
  return out;
}

/** A refusal from the journey engine or the API's checks, on the form. */
export function problemErrors(
  problem: Problem,
  fields: FormField[],
  lead: string,
  fieldOf: (path: string) => string = (p) => p,
): FormErrors {
  const out: FormErrors = { fields: {}, summary: [] };
  const listed = (problem.extra.errors as { field: string; message: string }[] | undefined) ?? [];
  for (const e of listed) {
    const field = fields.find((f) => f.name === fieldOf(e.field));
    if (field) {
      const reason = refusalText(problem.detail ?? e.message);
      out.fields[field.name] = `${lead} ${reason}`;
      out.summary.push({ field: field.name, message: `${field.label} : ${reason}` });
    }
  }
  if (out.summary.length === 0) {
    out.summary.push({ message: `${lead} ${refusalText(problem.detail ?? problem.title)}` });
  }
  return out;
}
