// Form inputs derived from the API's zod schemas: a field per body property,
// named as the API names it, with its type, its bounds and, for code lists,
// the choices with their French labels. A posted form goes back through the
// same schema, so the page and the API accept exactly the same things.
import { z } from 'zod';
import {
  AGENCY_KINDS,
  DIPLOMA_LEVELS,
  DROPOUT_REASONS,
  FOLLOW_UP_OUTCOMES,
  GENDERS,
  REFUSAL_REASONS,
  SUSPENSION_REASONS,
  WITHDRAWAL_REASONS,
  type CodeList,
} from '../../domain/codes';
import { FIELD_HINTS, FIELD_LABELS, MILESTONE_LABELS } from '../labels';
import { parisOffset } from './paris-time';

export interface Choice {
  value: string;
  label: string;
}

export interface FormField {
  name: string;
  label: string;
  hint?: string;
  kind: 'text' | 'textarea' | 'email' | 'tel' | 'date' | 'datetime' | 'number' | 'select' | 'boolean';
  required: boolean;
  choices?: Choice[];
  min?: number;
  max?: number;
  maxLength?: number;
  autocomplete?: string;
  /** What the input shows: the posted value after a refusal, empty at first. */
  value: string;
  error?: string;
}

const CODE_LISTS: CodeList<string>[] = [
  REFUSAL_REASONS,
  WITHDRAWAL_REASONS,
  SUSPENSION_REASONS,
  DROPOUT_REASONS,
  FOLLOW_UP_OUTCOMES,
  GENDERS,
  DIPLOMA_LEVELS,
  AGENCY_KINDS,
];

/** The French label of each code of an enum: from the code list holding exactly these codes. */
function choicesOf(codes: readonly string[]): Choice[] {
  const same = (list: CodeList<string>) =>
    list.codes.length === codes.length && codes.every((c) => list.codes.includes(c));
  const list = CODE_LISTS.find(same);
  const labels: Record<string, string> = list ? list.labels : MILESTONE_LABELS;
  return codes.map((value) => ({ value, label: labels[value] ?? value }));
}

const AUTOCOMPLETE: Record<string, string> = {
  firstName: 'given-name',
  lastName: 'family-name',
  email: 'email',
  phone: 'tel',
  birthDate: 'bday',
  postalCode: 'postal-code',
};

/** A field for one property of a zod object; `choices` supplies lists that are data (fabriques). */
export function describeField(
  name: string,
  schema: z.ZodType,
  choices: Record<string, Choice[]> = {},
): FormField {
  const required = !(schema instanceof z.ZodOptional);
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  const base = { name, label: FIELD_LABELS[name] ?? name, hint: FIELD_HINTS[name], required, value: '' };
  const autocomplete = AUTOCOMPLETE[name];
  if (choices[name]) return { ...base, kind: 'select', choices: choices[name] };
  if (inner instanceof z.ZodEnum)
    return { ...base, kind: 'select', choices: choicesOf(inner.options as string[]) };
  if (inner instanceof z.ZodBoolean) return { ...base, kind: 'boolean' };
  if (inner instanceof z.ZodNumber) {
    return { ...base, kind: 'number', min: inner.minValue ?? undefined, max: inner.maxValue ?? undefined };
  }
  if (inner instanceof z.ZodISODate) return { ...base, kind: 'date', autocomplete };
  if (inner instanceof z.ZodISODateTime) return { ...base, kind: 'datetime' };
  if (inner instanceof z.ZodEmail) return { ...base, kind: 'email', autocomplete: autocomplete ?? 'email' };
  const maxLength = (inner as { maxLength?: number | null }).maxLength ?? undefined;
  if (name === 'phone') return { ...base, kind: 'tel', autocomplete, maxLength: 20 };
  return {
    ...base,
    kind: maxLength !== undefined && maxLength > 500 ? 'textarea' : 'text',
    maxLength,
    autocomplete,
  };
}

/** Every field of a zod object, in the schema's order. */
export function describeFields(
  shape: Record<string, z.ZodType>,
  choices?: Record<string, Choice[]>,
): FormField[] {
  return Object.entries(shape).map(([name, schema]) => describeField(name, schema, choices));
}

/**
 * The typed value of one posted input: empty means absent; yes/no, whole
 * numbers and local date-times become what the API's JSON would hold.
 * Anything else stays a string, for the schema to refuse with its reason.
 */
export function fromInput(field: Pick<FormField, 'kind'>, raw: string | undefined): unknown {
  const value = (raw ?? '').trim();
  if (value === '') return undefined;
  switch (field.kind) {
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'number':
      return /^-?\d{1,6}$/.test(value) ? Number(value) : value;
    case 'datetime':
      // <input type="datetime-local"> gives the wall-clock time in France.
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00${parisOffset(value)}` : value;
    default:
      return value;
  }
}

/** The posted form's values as strings, by field name (repeated names keep the first). */
export function postedValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((body as Record<string, unknown> | undefined) ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}

/** The body the API would receive for these fields. */
export function bodyOf(fields: FormField[], values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const value = fromInput(field, values[field.name]);
    if (value !== undefined) body[field.name] = value;
  }
  return body;
}

/** The fields showing the posted values and the errors of a refusal. */
export function withValues(
  fields: FormField[],
  values: Record<string, string>,
  errors: Record<string, string> = {},
): FormField[] {
  return fields.map((f) => ({ ...f, value: values[f.name] ?? '', error: errors[f.name] }));
}
