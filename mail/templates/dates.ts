// Dates as French readers expect them: "12 mars 2027", "1er avril 2027".
// Instants are shown in Paris time; calendar dates (YYYY-MM-DD) are shown
// as they are, without going through a time zone that could shift the day.

import { atMidnight } from '../../domain/dates';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const instantDate = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
const instantDateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'long',
  timeStyle: 'short',
});
// A calendar date read as midnight UTC and shown in UTC keeps its day.
const calendarDate = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'long' });

/** French writes the first of the month as an ordinal: "1er mars". */
function firstOfMonth(formatted: string): string {
  return formatted.replace(/^1 /, '1er ');
}

/** "12 mars 2027" for a YYYY-MM-DD date or an ISO instant; the input itself if unreadable. */
export function formatDate(value: string): string {
  const date = DATE_ONLY.test(value) ? atMidnight(value) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return firstOfMonth((DATE_ONLY.test(value) ? calendarDate : instantDate).format(date));
}

/** "12 mars 2027 à 14:30", Paris time, for an appointment such as an interview. */
export function formatDateTime(value: string): string {
  if (DATE_ONLY.test(value)) return formatDate(value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return firstOfMonth(instantDateTime.format(date));
}
