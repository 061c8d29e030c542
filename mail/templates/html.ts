// Everything a user typed (names, notes, organisation names) goes through
// here before it reaches HTML, in text and in attribute values alike.
import escapeHtml from 'escape-html';

/** Escapes a string for HTML text and double- or single-quoted attribute values. */
export { escapeHtml };

/** Escapes text and keeps its line breaks, for free text typed on several lines. */
export function escapeMultiline(value: string): string {
  return escapeHtml(value).replace(/\r?\n/g, '<br>');
}
