// How webhook deliveries are retried: delays that double from `initialMs` up
// to `maxMs`, until `giveUpAfter` past the event. Configurable
// (WEBHOOK_RETRY_INITIAL, WEBHOOK_RETRY_MAX, WEBHOOK_GIVE_UP_AFTER) so that
// tests retry in milliseconds.
import { addDuration, isDuration } from '../domain/dates';

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

function durationMs(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!isDuration(value)) throw new Error(`${name} must be an ISO 8601 duration such as PT30S, got ${value}`);
  const ms = addDuration(new Date(0), value).getTime();
  if (ms <= 0) throw new Error(`${name} must be longer than zero, got ${value}`);
  return ms;
}

/** The retry settings from the environment, defaults for what is not set. */
export function webhookRetryFromEnv(env: NodeJS.ProcessEnv): WebhookRetry {
  const retry: WebhookRetry = {
    initialMs: durationMs(
      'WEBHOOK_RETRY_INITIAL',
      env.WEBHOOK_RETRY_INITIAL,
      DEFAULT_WEBHOOK_RETRY.initialMs,
    ),
    maxMs: durationMs('WEBHOOK_RETRY_MAX', env.WEBHOOK_RETRY_MAX, DEFAULT_WEBHOOK_RETRY.maxMs),
    giveUpAfter: env.WEBHOOK_GIVE_UP_AFTER || DEFAULT_WEBHOOK_RETRY.giveUpAfter,
  };
  durationMs('WEBHOOK_GIVE_UP_AFTER', retry.giveUpAfter, 0);
  if (retry.maxMs < retry.initialMs)
    throw new Error('WEBHOOK_RETRY_MAX must not be shorter than WEBHOOK_RETRY_INITIAL');
  return retry;
}
