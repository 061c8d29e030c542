// Dates and durations as Parcours reads them: calendar dates (`YYYY-MM-DD`)
// at midnight UTC, instants in ISO 8601, ISO 8601 durations whose months are
// calendar months. Pure: the workflow, the activities and the API all use it.

/** A calendar date, `YYYY-MM-DD`. */
export type DateOnly = string;
/** An instant, ISO 8601 with time zone. */
export type Instant = string;

/** The dates Parcours takes, as YYYY-MM-DD: PostgreSQL has no year 0, and no journey needs more. */
export const DATE_RANGE = { earliest: '1900-01-01', latest: '2199-12-31' } as const;

/** One day in milliseconds (days of UTC, no daylight saving). */
export const DAY_MS = 86_400_000;

/** The calendar date (UTC) of an instant. */
export function dateOnly(d: Date): DateOnly {
  return d.toISOString().slice(0, 10);
}

/** Midnight UTC of a calendar date. */
export function atMidnight(date: DateOnly): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** Midnight UTC of the day after `date`: the exclusive end of a filter "up to `date`". */
export function endOfDay(date: DateOnly): Date {
  return new Date(atMidnight(date).getTime() + DAY_MS);
}

export function daysBetween(from: DateOnly, to: DateOnly): number {
  return Math.round((atMidnight(to).getTime() - atMidnight(from).getTime()) / DAY_MS);
}

export function addDays(date: DateOnly, days: number): DateOnly {
  return dateOnly(new Date(atMidnight(date).getTime() + days * DAY_MS));
}

/** A stored date or instant as a Date: a bare `YYYY-MM-DD` is midnight UTC. */
export function toDate(value: DateOnly | Instant | null | undefined): Date | null {
  if (!value) return null;
  return value.length === 10 ? atMidnight(value) : new Date(value);
}

/** A database date column as `YYYY-MM-DD`. */
export function dayOf(d: Date | null): DateOnly | null {
  return d ? dateOnly(d) : null;
}

/** A database timestamp column as an ISO instant. */
export function instantOf(d: Date | null): Instant | null {
  return d ? d.toISOString() : null;
}

/** Age in whole years on a given day. */
export function ageAt(birthDate: DateOnly, on: Date): number {
  const b = atMidnight(birthDate);
  let age = on.getUTCFullYear() - b.getUTCFullYear();
  const m = on.getUTCMonth() - b.getUTCMonth();
  if (m < 0 || (m === 0 && on.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const ISO_DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses `P3M`, `P60D`, `PT5S`…; throws on anything else. */
export function parseDuration(text: string): Duration {
  const m = ISO_DURATION.exec(text);
  if (!m) throw new Error(`"${text}" is not an ISO 8601 duration such as P60D, P3M or PT5S`);
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

export function isDuration(text: unknown): text is string {
  return typeof text === 'string' && ISO_DURATION.test(text);
}

/** Adds calendar months in UTC; the 31st plus one month gives the last day of the next month. */
function addMonthsUtc(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** `date` plus (or minus, with sign -1) an ISO duration: months are calendar months. */
export function addDuration(date: Date, iso: string, sign: 1 | -1 = 1): Date {
  const p = parseDuration(iso);
  const d = addMonthsUtc(date, sign * (p.years * 12 + p.months));
  const ms = ((p.weeks * 7 + p.days) * 86_400 + p.hours * 3600 + p.minutes * 60 + p.seconds) * 1000;
  return new Date(d.getTime() + sign * ms);
}
