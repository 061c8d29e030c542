// Workflow histories: kept under test/histories for replay, and searched as
// text (payloads decoded) for personal data.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { workflowIdFor } from '../../workflows/messages';

const { History } = temporal.api.history.v1;

export const HISTORIES_DIR = path.resolve(__dirname, '../histories');

export async function fetchHistory(client: Client, journeyId: string) {
  return client.workflow.getHandle(workflowIdFor(journeyId)).fetchHistory();
}

/**
 * Everything in a history as text, with every payload's bytes decoded. Walks
 * the objects itself: protobuf messages' toJSON would turn bytes into base64.
 */
export function historyText(history: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (value instanceof Uint8Array) {
      parts.push(Buffer.from(value).toString('utf8'));
    } else if (typeof value === 'object') {
      if (seen.has(value)) return;
      seen.add(value);
      for (const v of Array.isArray(value) ? value : Object.values(value)) walk(v);
    } else {
      parts.push(String(value));
    }
  };
  walk(history);
  return parts.join('\n');
}

/**
 * The values of `forbidden` that `text` holds. A value written only with digits
 * and separators (a postal code, a birth date) counts only where no letter or
 * digit touches it: '93200' is a postal code in `"postalCode":"93200"`, not in
 * an event's task id 1932004 or a uuid's segment; other values count anywhere.
 */
export function valuesFound(text: string, forbidden: string[]): string[] {
  return forbidden.filter((value) => {
    if (!/^[0-9][0-9 ./-]*$/.test(value)) return text.includes(value);
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`).test(text);
  });
}

/** With RECORD_HISTORIES=1, stores a history for the replay test. */
export async function recordHistory(client: Client, journeyId: string, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await fetchHistory(client, journeyId);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const json = History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(json, null, 1) + '\n');
}

export function storedHistories(): { name: string; history: temporal.api.history.v1.History }[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      history: History.fromObject(JSON.parse(readFileSync(path.join(HISTORIES_DIR, f), 'utf8'))),
    }));
}
