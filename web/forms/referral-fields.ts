// The referral as people type it: the flat inputs of /orienter (and the
// columns of /orienter/import), and the API's referral body they make,
// which the same CreateJourney schema then checks.
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import { CreateJourney, LearnerInput } from '../../api/schemas';
import { describeField, describeFields, fromInput, type FormField } from './schema-fields';

const REFERRER = (CreateJourney.shape.referrer.unwrap() as z.ZodObject).shape as Record<string, z.ZodType>;

/** The inputs of a referral, in the form's order. */
export const REFERRAL_FIELD_NAMES = [
  ...Object.keys(LearnerInput.shape),
  'fabriqueId',
  'referrerName',
  'referrerEmail',
  'trainingTitle',
  'note',
] as const;

/** A field name of the form for a path of the API body (`learner.firstName` → `firstName`). */
export function referralFieldOf(path: string): string {
  if (path === 'referrer.name') return 'referrerName';
  if (path === 'referrer.email') return 'referrerEmail';
  return path.replace(/^learner\./, '');
}

/** The fabriques a learner may be referred to, by name. */
export function fabriquesOf(db: Db) {
  return db.organization.findMany({ where: { type: 'fabrique' }, orderBy: { name: 'asc' } });
}

/** The referral's inputs, described from the API's schemas; fabriques are the choices of `fabriqueId`. */
export function referralFields(fabriques: { id: string; name: string }[]): FormField[] {
  const choices = { fabriqueId: fabriques.map((f) => ({ value: f.id, label: f.name })) };
  return [
    ...describeFields(LearnerInput.shape),
    describeField('fabriqueId', CreateJourney.shape.fabriqueId, choices),
    { ...describeField('referrerName', REFERRER.name as z.ZodType), required: false, autocomplete: 'name' },
    { ...describeField('referrerEmail', REFERRER.email as z.ZodType), required: false },
    describeField('trainingTitle', CreateJourney.shape.trainingTitle),
    describeField('note', CreateJourney.shape.note),
  ];
}

/** The body POST /v1/journeys would receive for these inputs (empty ones left out). */
export function referralBody(fields: FormField[], values: Record<string, string>): Record<string, unknown> {
  const value = (name: string) => {
    const field = fields.find((f) => f.name === name);
    return field ? fromInput(field, values[name]) : undefined;
  };
  const learner = Object.fromEntries(
    Object.keys(LearnerInput.shape)
      .map((k) => [k, value(k)])
      .filter(([, v]) => v !== undefined),
  );
  const referrerName = value('referrerName');
  const referrerEmail = value('referrerEmail');
  const body: Record<string, unknown> = { learner, fabriqueId: value('fabriqueId') };
  if (referrerName !== undefined || referrerEmail !== undefined)
    body.referrer = { name: referrerName, email: referrerEmail };
  for (const k of ['trainingTitle', 'note']) if (value(k) !== undefined) body[k] = value(k);
  return body;
}
