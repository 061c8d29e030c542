// Date-times typed in a form are French wall-clock times; the API wants an
// offset. This finds the offset Paris had at that moment (+01:00 or +02:00).

const PARIS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  timeZoneName: 'longOffset',
});

/** The UTC offset of Europe/Paris at a local time `YYYY-MM-DDTHH:mm`, as `+HH:MM`. */
export function parisOffset(local: string): string {
  // Read as UTC first; one correction lands on the right side of a DST change but for the skipped hour.
  const asUtc = new Date(`${local}:00Z`);
  const first = offsetAt(asUtc);
  const second = offsetAt(new Date(asUtc.getTime() - minutes(first) * 60_000));
  return second;
}

function offsetAt(instant: Date): string {
  const part = PARIS.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  const m = /GMT([+-]\d{2}:\d{2})/.exec(part);
  return m?.[1] ?? '+00:00';
}

function minutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * ((h ?? 0) * 60 + (m ?? 0));
}
