// Configuration from the environment, with defaults that run on one machine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { encryptionKeysFromEnv, type EncryptionKeys } from './codec';
import { resolvePolicy, type TimingPolicy } from '../workflows/policy';
import { TASK_QUEUE } from '../workflows/messages';

export interface Config {
  port: number;
  databaseUrl: string;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** TLS client certificate and key (mTLS), PEM paths. */
    tlsCertPath?: string;
    tlsKeyPath?: string;
    /** Temporal Cloud API key; implies TLS. */
    apiKey?: string;
  };
  /** SMTP server URL; without it, emails are written to `mailDir`. */
  smtpUrl?: string;
  mailDir: string;
  mailFrom: string;
  /** Where follow-up links in emails point to. */
  publicBaseUrl: string;
  adminApiKey?: string;
  /** Learners started the network aims for, shown by /v1/stats. */
  startedTarget: number;
  /** Origins allowed by CORS (CORS_ORIGINS, comma-separated); none by default. */
  corsOrigins: string[];
  /** Temporal payload encryption keys; none means payloads are not encrypted. */
  encryption?: EncryptionKeys;
  /** The policy new journeys copy. */
  policy: TimingPolicy;
  /** Signs the web app's CSRF tokens (CSRF_SECRET); needed alike by every API process. */
  csrfSecret?: string;
}

export const DEFAULTS = {
  port: 3000,
  databaseUrl: 'postgresql://postgres@127.0.0.1:5432/parcours',
  temporalAddress: '127.0.0.1:7233',
  mailDir: '.data/mail',
  mailFrom: 'Parcours <no-reply@parcours.localhost>',
};

/** JOURNEY_POLICY holds a JSON object, or the path of a JSON file. */
export function loadPolicy(value: string | undefined): TimingPolicy {
  if (!value || !value.trim()) return resolvePolicy(undefined);
  const text = value.trim().startsWith('{') ? value : readFileSync(path.resolve(value), 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`JOURNEY_POLICY is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return resolvePolicy(parsed);
  } catch (err) {
    throw new Error(`JOURNEY_POLICY: ${(err as Error).message}`, { cause: err });
  }
}

const portSchema = z.coerce.number().int().min(0).max(65535);

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive whole number, got ${value}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = portSchema.safeParse(env.PORT ?? DEFAULTS.port);
  if (!port.success) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const publicBaseUrl = (env.PUBLIC_BASE_URL || `http://localhost:${port.data}`).replace(/\/+$/, '');
  return {
    port: port.data,
    databaseUrl: env.DATABASE_URL || DEFAULTS.databaseUrl,
    temporal: {
      address: env.TEMPORAL_ADDRESS || DEFAULTS.temporalAddress,
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE || TASK_QUEUE,
      tlsCertPath: env.TEMPORAL_TLS_CERT || undefined,
      tlsKeyPath: env.TEMPORAL_TLS_KEY || undefined,
      apiKey: env.TEMPORAL_API_KEY || undefined,
    },
    smtpUrl: env.SMTP_URL || undefined,
    mailDir: env.MAIL_DIR || DEFAULTS.mailDir,
    mailFrom: env.MAIL_FROM || DEFAULTS.mailFrom,
    publicBaseUrl,
    adminApiKey: env.ADMIN_API_KEY || undefined,
    startedTarget: positiveInt('STATS_TARGET', env.STATS_TARGET, 10_000),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    encryption: encryptionKeysFromEnv(env),
    policy: loadPolicy(env.JOURNEY_POLICY),
    csrfSecret: env.CSRF_SECRET || undefined,
  };
}
