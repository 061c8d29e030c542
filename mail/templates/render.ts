// The email for each template name. The table is exhaustive: a template
// added to TEMPLATES without its wording fails to compile.
import type { TemplateName } from '../../domain/notifications';
import type { RenderedEmail, TemplateContext } from './context';
import { decisionTemplates } from './decisions';
import { followUpTemplates } from './follow-up';
import type { Template } from './layout';
import { referralTemplates } from './referral';
import { reminderTemplates } from './reminders';
import { trainingTemplates } from './training';

const TEMPLATE_RENDERERS: Record<TemplateName, Template> = {
  ...referralTemplates,
  ...decisionTemplates,
  ...trainingTemplates,
  ...reminderTemplates,
  ...followUpTemplates,
};

/** Subject, plain text and HTML of one email, in French. */
export function renderEmail(template: TemplateName, ctx: TemplateContext): RenderedEmail {
  return TEMPLATE_RENDERERS[template](ctx);
}
