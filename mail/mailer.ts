// The mail transport: SMTP when SMTP_URL is set, otherwise a folder of .eml
// files, so that Parcours runs with nothing else installed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { copyFileName, mailCopiesFor, type MailCopies } from '../store/mail-copies';

export interface OutgoingEmail {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  /** Stable per event, so that a receiving server can spot a duplicate. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
  /** Where messages go, for logs: an SMTP host or a folder. */
  readonly description: string;
  /** The copies this transport keeps, which erasure must reach; none over SMTP. */
  readonly copies?: MailCopies;
}

export function createMailer(options: { smtpUrl?: string; mailDir: string }): Mailer {
  if (options.smtpUrl) {
    // Pooled: a few connections kept open and reused, as a worker sends many
    // emails a second under load (a connection, greeting and EHLO per email
    // cost both ends more than the message); `?pool=false` in SMTP_URL turns
    // it off.
    const transport = nodemailer.createTransport({ url: options.smtpUrl, pool: true });
    const url = new URL(options.smtpUrl);
    return {
      description: `SMTP ${url.hostname}:${url.port || 25}`,
      async send(email) {
        const info = await transport.sendMail(email);
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }
  const copies = mailCopiesFor(options) as MailCopies;
  const dir = copies.dir;
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `folder ${dir}`,
    copies,
    async send(email) {
      const info = await transport.sendMail(email);
      // Names, addresses and live survey links: for this machine's owner only.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(path.join(dir, copyFileName(new Date(), email.messageId)), info.message, {
        mode: 0o600,
      });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
