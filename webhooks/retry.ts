// How webhook deliveries are retried: delays that double from `initialMs` up
// to `maxMs`, until `giveUpAfter` past the event. Configurable
// (WEBHOOK_RETRY_INITIAL, WEBHOOK_RETRY_MAX, WEBHOOK_GIVE_UP_AFTER, read by
// config/webhook-retry.ts) so that tests retry in milliseconds.

export interface WebhookRetry {
  /** Delay after the first failed attempt; doubled after each. */
  initialMs: number;
  /** The longest delay between two attempts. */
  maxMs: number;
  /** How long after its event a delivery is given up (ISO 8601 duration). */
  giveUpAfter: string;
}

/** 30 s, doubling, at most an hour apart, for 3 days. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = {
  initialMs: 30_000,
  maxMs: 3_600_000,
  giveUpAfter: 'P3D',
};

/** The delay after failed attempt number `attempt` (1 for the first). */
export function retryDelayMs(retry: WebhookRetry, attempt: number): number {
  return Math.min(retry.initialMs * 2 ** Math.max(0, attempt - 1), retry.maxMs);
}
