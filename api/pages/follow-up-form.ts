// The page a learner opens from the follow-up email: phones first, no
// account, no script, nothing loaded from elsewhere. The link carries a
// token, so the page keeps it out of referrers and search engines.
import { FOLLOW_UP_OUTCOMES, type FollowUpOutcome } from '../../domain/codes';
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';

/** What the learner may answer: every outcome but "unknown", which only the system records. */
export const LEARNER_OUTCOMES: readonly FollowUpOutcome[] = FOLLOW_UP_OUTCOMES.codes.filter(
  (c) => c !== 'unknown',
);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f6f6f6;color:#161616;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:18px;line-height:1.5}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem 3rem;background:#fff;border-top:4px solid #000091;min-height:100vh}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p{margin:0 0 1rem}
fieldset{border:0;margin:0 0 1.5rem;padding:0}
legend{font-weight:bold;margin-bottom:.5rem;padding:0}
.choice{display:flex;align-items:center;gap:.75rem;min-height:3rem;padding:.5rem .75rem;margin:0 0 .5rem;border:1px solid #929292;border-radius:.25rem;cursor:pointer}
.choice:has(input:checked){border-color:#000091;background:#f5f5fe}
.choice input{width:1.5rem;height:1.5rem;margin:0;flex:none;accent-color:#000091}
.field{margin:0 0 1.25rem}
.field label{display:block;font-weight:bold;margin-bottom:.25rem}
.hint{display:block;font-weight:normal;color:#3a3a3a;font-size:1rem}
input[type=text],input[type=date]{display:block;width:100%;min-height:3rem;padding:.5rem .75rem;font:inherit;border:1px solid #929292;border-radius:.25rem;background:#fff;color:inherit}
input:focus,button:focus{outline:3px solid #0a76f6;outline-offset:2px}
button{display:block;width:100%;min-height:3.25rem;padding:.75rem 1rem;font:inherit;font-weight:bold;color:#fff;background:#000091;border:0;border-radius:.25rem;cursor:pointer}
.notice{padding:.75rem 1rem;margin:0 0 1.25rem;border-left:4px solid}
.notice.error{border-color:#ce0500;background:#fff4f3;color:#ce0500}
.notice.ok{border-color:#18753c;background:#f6fff9;color:#18753c}
footer{margin-top:2rem;font-size:1rem;color:#3a3a3a}
`;

/**
 * The page's Content-Security-Policy: its one inline style block (by hash),
 * no script, nothing from elsewhere, answers posted to this site only.
 */
export const FOLLOW_UP_PAGE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: [`'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} – Parcours</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>Grande École du Numérique</footer>
</main>
</body>
</html>
`;
}

export interface FollowUpFormInput {
  /** Null once the learner's personal data was erased. */
  firstName: string | null;
  milestone: '3m' | '6m';
  fabriqueName: string;
  /** The URL the form posts to. */
  action: string;
  /** A message to show above the form, for instance when the answer was refused. */
  error?: string;
}

/** The follow-up survey form, posted as application/x-www-form-urlencoded. */
export function renderFollowUpForm(input: FollowUpFormInput): string {
  const months = input.milestone === '6m' ? 6 : 3;
  const title = `Où en êtes-vous ${months} mois après votre formation ?`;
  const first = input.firstName?.trim();
  const choices = LEARNER_OUTCOMES.map(
    (code) =>
      `<label class="choice" for="outcome-${code}">` +
      `<input type="radio" id="outcome-${code}" name="outcome" value="${code}" required>` +
      `<span>${escapeHtml(FOLLOW_UP_OUTCOMES.labels[code])}</span></label>`,
  ).join('\n');

  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
${input.error ? `<p class="notice error" role="alert">${escapeHtml(input.error)}</p>` : ''}
${first ? `<p>Bonjour ${escapeHtml(first)},</p>` : ''}
<p>Vous avez suivi une formation à la fabrique ${escapeHtml(input.fabriqueName)}. Dites-nous où vous en êtes aujourd’hui : cela prend une minute et aide à améliorer les formations.</p>
<form method="post" action="${escapeHtml(input.action)}" enctype="application/x-www-form-urlencoded">
<fieldset>
<legend>Votre situation aujourd’hui (obligatoire)</legend>
${choices}
</fieldset>
<div class="field">
<label for="employer">Employeur ou organisme <span class="hint">Facultatif</span></label>
<input type="text" id="employer" name="employer" autocomplete="organization" maxlength="200">
</div>
<div class="field">
<label for="jobTitle">Poste ou formation suivie <span class="hint">Facultatif</span></label>
<input type="text" id="jobTitle" name="jobTitle" autocomplete="organization-title" maxlength="200">
</div>
<div class="field">
<label for="contractStart">Date de début du contrat ou de la formation <span class="hint">Facultatif</span></label>
<input type="date" id="contractStart" name="contractStart">
</div>
<button type="submit">Envoyer ma réponse</button>
</form>
<p class="hint">Votre réponse est transmise à votre fabrique et à la structure qui vous accompagne.</p>`,
  );
}

export interface FollowUpPageInput {
  title: string;
  message: string;
  status?: 'ok' | 'error';
}

/** A message page with the form's look: thanks, an expired link, an error. */
export function renderFollowUpPage(input: FollowUpPageInput): string {
  const notice =
    input.status === undefined
      ? `<p>${escapeHtml(input.message)}</p>`
      : `<p class="notice ${input.status}" role="${input.status === 'error' ? 'alert' : 'status'}">${escapeHtml(input.message)}</p>`;
  return page(input.title, `<h1>${escapeHtml(input.title)}</h1>\n${notice}`);
}
