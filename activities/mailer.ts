// The mail transport: SMTP when SMTP_URL is set, otherwise a folder of .eml
// files, so that Parcours runs with nothing else installed.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

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

/** The Message-ID of a notification: the same for every attempt at one event. */
export function messageIdFor(eventKey: string): string {
  return `<${createHash('sha256').update(eventKey).digest('hex').slice(0, 32)}@parcours>`;
}

/** Copies of sent messages kept on this machine: the .eml files of the folder transport. */
export interface MailCopies {
  readonly dir: string;
  /** Deletes the copies of these messages; returns how many files went. */
  forget(messageIds: readonly string[]): Promise<number>;
}

/** The end of a copy's file name, from the message's Message-ID. */
const copySuffix = (messageId: string) => `_${messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;

/** The folder transport's copies, or none when mail goes out over SMTP. */
export function mailCopiesFor(options: { smtpUrl?: string; mailDir: string }): MailCopies | undefined {
  if (options.smtpUrl) return undefined;
  const dir = path.resolve(options.mailDir);
  return {
    dir,
    async forget(messageIds) {
      if (messageIds.length === 0) return 0;
      const suffixes = messageIds.map(copySuffix);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      const doomed = names.filter((name) => suffixes.some((suffix) => name.endsWith(suffix)));
      await Promise.all(doomed.map((name) => rm(path.join(dir, name), { force: true })));
      return doomed.length;
    },
  };
}

export function createMailer(options: { smtpUrl?: string; mailDir: string }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
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
      await mkdir(dir, { recursive: true });
      await writeFile(
        path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}${copySuffix(email.messageId)}`),
        info.message,
      );
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
