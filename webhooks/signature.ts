// Stripe-style signatures: `Parcours-Signature: t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>.<body>">`, keyed with the subscription's secret, so that
// a receiver can check the sender and refuse an old message played again.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const EVENT_ID_HEADER = 'Parcours-Event-Id';
export const SIGNATURE_HEADER = 'Parcours-Signature';
/** How old a signature a receiver should still take, as Stripe's libraries do. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new subscription's secret: 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmac(secret: string, signedPayload: string): string {
  return createHmac('sha256', secret).update(signedPayload, 'utf8').digest('hex');
}

/** The header for `body` sent at `at`. */
export function signatureHeader(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
}

/**
 * What a receiver does: true when one `v1` of the header is the HMAC of
 * "<t>.<body>" with the secret and `t` is within the tolerance of now.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  now: Date = new Date(),
): boolean {
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, `${t}.${body}`), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v || !/^[0-9a-f]{64}$/i.test(v)) return false;
    return timingSafeEqual(Buffer.from(v, 'hex'), expected);
  });
}
