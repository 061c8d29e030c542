// Copies of sent emails kept on this machine: the .eml files the folder
// transport writes when there is no SMTP server. The worker writes them; the
// API's erasure deletes a learner's.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

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

/** A copy's file name: when it was written, then its Message-ID. */
export function copyFileName(at: Date, messageId: string): string {
  return `${at.toISOString().replace(/[:.]/g, '-')}${copySuffix(messageId)}`;
}
