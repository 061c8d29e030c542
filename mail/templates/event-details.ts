// Reading what an event carries: codes and dates in `details`, free text in
// `texts`. Values are checked here so that a template never prints
// "undefined", "null" or a raw code where a French label belongs.
import type { CodeList } from '../../domain/codes';
import type { TemplateContext } from './context';
import { formatDate } from './dates';

/** Keys of the free text typed with an action. */
export type FreeTextKey =
  'note' | 'message' | 'reason' | 'trainingTitle' | 'certification' | 'employer' | 'jobTitle';

export function detailString(ctx: TemplateContext, key: string): string | undefined {
  const value = ctx.details[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function detailNumber(ctx: TemplateContext, key: string): number | undefined {
  const value = ctx.details[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function detailBoolean(ctx: TemplateContext, key: string): boolean | undefined {
  const value = ctx.details[key];
  return typeof value === 'boolean' ? value : undefined;
}

/** The first of these dates that is set, in French. */
export function firstDate(...values: (string | null | undefined)[]): string | undefined {
  const value = values.find((v) => typeof v === 'string' && v.trim() !== '');
  return value ? formatDate(value) : undefined;
}

/** Free text typed by a user, trimmed; undefined when empty. */
export function freeText(ctx: TemplateContext, key: FreeTextKey): string | undefined {
  const value = ctx.texts[key]?.trim();
  return value ? value : undefined;
}

/** The French label of the event's reason code; a code we do not know is shown as is. */
export function reasonLabel<C extends string>(ctx: TemplateContext, list: CodeList<C>): string | undefined {
  const code = detailString(ctx, 'reason');
  if (code === undefined) return undefined;
  return (list.codes as readonly string[]).includes(code) ? list.labels[code as C] : code;
}

export function trainingTitle(ctx: TemplateContext): string | undefined {
  return freeText(ctx, 'trainingTitle') ?? (ctx.journey.trainingTitle?.trim() || undefined);
}

/** "6 mois" for a duration in months. */
export function months(count: number | null | undefined): string | undefined {
  return typeof count === 'number' ? `${count} mois` : undefined;
}

/** The follow-up milestone as a number of months after the exit (3 or 6). */
export function milestoneMonths(ctx: TemplateContext): number | undefined {
  const milestone = ctx.followUp?.milestone ?? detailString(ctx, 'milestone');
  if (milestone === '3m') return 3;
  if (milestone === '6m') return 6;
  return undefined;
}
