// Emails the API process sends itself (sign-in links, members added or
// removed): no journey event behind them, so no workflow and no notification
// log. A failed send is logged by kind only (SMTP replies quote addresses).
import { randomUUID } from 'node:crypto';
import type { Mailer } from '../mail/mailer';
import type { RenderedEmail } from '../mail/templates/context';

export interface AccountMail {
  mailer: Mailer;
  mailFrom: string;
  log: (message: string) => void;
}

export async function sendAccountEmail(
  mail: AccountMail,
  to: string,
  template: string,
  email: RenderedEmail,
): Promise<boolean> {
  try {
    await mail.mailer.send({
      from: mail.mailFrom,
      to: [to],
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: `<${randomUUID()}@parcours>`,
      headers: { 'X-Parcours-Template': template },
    });
    return true;
  } catch (err) {
    const e = err as { code?: string; responseCode?: number };
    mail.log(
      `${template} email not sent (${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''})`,
    );
    return false;
  }
}
