// One POST of one event to one endpoint: no redirect followed, an answer
// within the timeout or none, the response's body read and dropped. What
// comes back is a status code or an error code, never the body, which could
// hold anything.
import http from 'node:http';
import https from 'node:https';
import { DestinationRefused, parseDestination, publicOnlyLookup, type DestinationRules } from './destination';

export interface PostOutcome {
  statusCode: number | null;
  /** An error code (`ECONNREFUSED`, `ETIMEDOUT`, `EPRIVATEADDRESS`…) when no status came back. */
  error: string | null;
  durationMs: number;
}

/** A delivery that gets no answer within this long has failed (DESIGN: 10 s). */
export const DELIVERY_TIMEOUT_MS = 10_000;

export async function postEvent(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  rules: DestinationRules;
  timeoutMs?: number;
}): Promise<PostOutcome> {
  const started = Date.now();
  const done = (statusCode: number | null, error: string | null): PostOutcome => ({
    statusCode,
    error,
    durationMs: Date.now() - started,
  });
  let url: URL;
  try {
    url = parseDestination(options.url, options.rules);
  } catch (err) {
    return done(null, (err as DestinationRefused).code);
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostOutcome>((resolve) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(options.body)),
          'User-Agent': 'Parcours-Webhooks/1.0',
          ...options.headers,
        },
        timeout: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
        ...(options.rules.publicOnly ? { lookup: publicOnlyLookup } : {}),
      },
      (res) => {
        // The status is the answer; the body is drained unread (the deadline still bounds it).
        resolve(done(res.statusCode ?? null, null));
        res.on('error', () => undefined);
        res.resume();
      },
    );
    // The whole exchange, not only the wait for the first byte, is bounded.
    const deadline = setTimeout(() => req.destroy(timeoutError()), options.timeoutMs ?? DELIVERY_TIMEOUT_MS);
    req.on('timeout', () => req.destroy(timeoutError()));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(done(null, err.code ?? 'EREQUEST')));
    req.on('close', () => clearTimeout(deadline));
    req.end(options.body);
  });
}

function timeoutError(): NodeJS.ErrnoException {
  return Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' });
}
