// One email, written once as blocks and rendered twice: plain text and HTML.
// Every string a block holds is escaped when it becomes HTML, so a template
// cannot forget to escape a name or a note. Professional emails end with the
// journey's address; learner emails never carry it.
import type { RenderedEmail, TemplateContext } from './context';
import { escapeHtml, escapeMultiline } from './html';
import type { Recipient } from '../../domain/notifications';
import { greeting } from './people';

export type Template = (ctx: TemplateContext) => RenderedEmail;

export const SIGNATURE = 'L’équipe Parcours — Grande École du Numérique';

export type Block =
  | { kind: 'paragraph'; text: string }
  /** Label and value pairs; a pair without a value is left out. */
  | { kind: 'facts'; rows: [string, string | undefined][] }
  /** Text typed by someone, shown as theirs. */
  | { kind: 'quote'; label: string; text: string }
  /** The one thing the reader should do, as a button. */
  | { kind: 'button'; label: string; href: string }
  | { kind: 'link'; label: string; href: string };

/** A block, or nothing when a condition leaves it out. */
export type MaybeBlock = Block | undefined | false;

export const paragraph = (text: string): Block => ({ kind: 'paragraph', text });
export const facts = (...rows: [string, string | undefined][]): Block => ({ kind: 'facts', rows });
export const quote = (label: string, text: string | undefined): MaybeBlock =>
  text !== undefined && { kind: 'quote', label, text };
export const button = (label: string, href: string): Block => ({ kind: 'button', label, href });

const NBSP = '\u00a0';
const BLUE = '#000091';
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'facts':
      return filled(block.rows)
        .map(([label, value]) => `- ${label}${NBSP}: ${value}`)
        .join('\n');
    case 'quote':
      return `${block.label}${NBSP}:\n« ${block.text} »`;
    case 'button':
    case 'link':
      return `${block.label}${NBSP}: ${block.href}`;
  }
}

function blockHtml(block: Block): string {
  const p = `margin:0 0 16px 0;`;
  switch (block.kind) {
    case 'paragraph':
      return `<p style="${p}">${escapeMultiline(block.text)}</p>`;
    case 'facts': {
      const items = filled(block.rows)
        .map(
          ([label, value]) =>
            `<li style="margin:0 0 4px 0;"><strong>${escapeHtml(label)}${NBSP}:</strong> ${escapeMultiline(value)}</li>`,
        )
        .join('');
      return `<ul style="${p}padding:0 0 0 20px;">${items}</ul>`;
    }
    case 'quote':
      return (
        `<p style="margin:0 0 4px 0;"><strong>${escapeHtml(block.label)}${NBSP}:</strong></p>` +
        `<blockquote style="${p}padding:8px 12px;border-left:4px solid ${BLUE};background:#f5f5fe;">` +
        `${escapeMultiline(block.text)}</blockquote>`
      );
    case 'button':
      return (
        `<p style="margin:24px 0;"><a href="${escapeHtml(block.href)}" ` +
        `style="display:inline-block;padding:14px 24px;background:${BLUE};color:#ffffff;` +
        `font-weight:bold;text-decoration:none;border-radius:4px;">${escapeHtml(block.label)}</a></p>` +
        `<p style="${p}font-size:14px;color:#3a3a3a;">Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur${NBSP}:<br>` +
        `<a href="${escapeHtml(block.href)}" style="color:${BLUE};word-break:break-all;">${escapeHtml(block.href)}</a></p>`
      );
    case 'link':
      return (
        `<p style="${p}">${escapeHtml(block.label)}${NBSP}: ` +
        `<a href="${escapeHtml(block.href)}" style="color:${BLUE};word-break:break-all;">${escapeHtml(block.href)}</a></p>`
      );
  }
}

function filled(rows: [string, string | undefined][]): [string, string][] {
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
}

function htmlDocument(subject: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f6f6f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f6f6;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-top:4px solid ${BLUE};">
<tr><td style="padding:24px 20px;font-family:${FONT};font-size:16px;line-height:1.5;color:#161616;">
${body}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

export interface EmailContent {
  subject: string;
  blocks: MaybeBlock[];
}

/** Greets the reader, lays out the blocks, and signs; adds the journey link for professionals. */
export function compose(audience: Recipient, ctx: TemplateContext, content: EmailContent): RenderedEmail {
  const blocks: MaybeBlock[] = [...content.blocks];
  if (audience !== 'learner') blocks.push({ kind: 'link', label: 'Voir le parcours', href: ctx.journeyUrl });
  return composeWith(greeting(audience, ctx), { subject: content.subject, blocks });
}

/** The same look for an email about no journey (an account, a sign-in link): a greeting, blocks, the signature. */
export function composeWith(hello: string, content: EmailContent): RenderedEmail {
  const subject = content.subject.replace(/\s+/g, ' ').trim();
  const blocks = content.blocks.filter(
    (b): b is Block => !!b && (b.kind !== 'facts' || filled(b.rows).length > 0),
  );
  const text = [hello, ...blocks.map(blockText), SIGNATURE].join('\n\n') + '\n';
  const html = htmlDocument(
    subject,
    [
      `<p style="margin:0 0 16px 0;">${escapeHtml(hello)}</p>`,
      ...blocks.map(blockHtml),
      `<p style="margin:24px 0 0 0;color:#3a3a3a;">${escapeHtml(SIGNATURE)}</p>`,
    ].join('\n'),
  );
  return { subject, text, html };
}
