// Idempotency-Key: a caller that did not hear the answer (a timeout, a crash,
// a lost response) sends the same request again with the same key and gets
// the first outcome; the same key with another request is refused.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { badRequest } from './problem';
import { IdempotencyKey } from './schemas';

/** The request's Idempotency-Key, if any; a malformed one is a 400. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.header('Idempotency-Key');
  if (raw === undefined) return undefined;
  const key = IdempotencyKey.safeParse(raw);
  if (!key.success) throw badRequest('The Idempotency-Key header must be 1 to 200 printable characters.');
  return key.data;
}

/** A stable fingerprint of a request body, to recognise an Idempotency-Key replay. */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

/**
 * The Temporal Update ID of an action asked with a key: the same for every
 * retry by the same organisation on the same journey, and for nobody else.
 */
export function actionUpdateId(journeyId: string, callerOrg: string, key: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([journeyId, callerOrg, key]))
    .digest('hex');
  return `action-${digest}`;
}
