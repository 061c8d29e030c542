// Webhook retry settings from the environment (webhooks/retry.ts uses them).
import { addDuration, isDuration } from '../domain/dates';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetry } from '../webhooks/retry';

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
