// Configuration from the environment, with defaults that run on one machine.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULTS } from './defaults.mjs';
import type { EncryptionKeys } from '../temporal/payload-codec';
import { encryptionKeysFromEnv } from './encryption-keys';
import { resolvePolicy, type TimingPolicy } from '../domain/policy';
import { TASK_QUEUE } from '../workflows/messages';
import type { DestinationRules } from '../webhooks/destination';
import type { WebhookRetry } from '../webhooks/retry';
import { webhookRetryFromEnv } from './webhook-retry';

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
  /** Which proxies' X-Forwarded-For to believe for client addresses (TRUST_PROXY); none by default. */
  trustProxy: TrustProxy;
  /** Learners started the network aims for, shown by /v1/stats. */
  startedTarget: number;
  /** Origins allowed by CORS (CORS_ORIGINS, comma-separated); none by default. */
  corsOrigins: string[];
  /** Temporal payload encryption keys; none means payloads are not encrypted. */
  encryption?: EncryptionKeys;
  /** The policy new journeys copy. */
  policy: TimingPolicy;
  /** The Temporal SDK's log level in the worker; Parcours' own lines go at INFO or below it (LOG_LEVEL). */
  logLevel: LogLevel;
  /** Bearer token /metrics asks for (METRICS_TOKEN); without it only local clients, with no proxy, read it. */
  metricsToken?: string;
  /** Where the worker's Temporal SDK metrics are served for Prometheus (WORKER_METRICS_HOST, WORKER_METRICS_PORT); none by default. */
  workerMetrics?: { host: string; port: number };
  /**
   * How many journeys' workflows a worker keeps in memory between their
   * steps (WORKER_MAX_CACHED_WORKFLOWS); by default the Temporal SDK's, sized
   * from the heap limit (about 2,300 for Node's 4 GB).
   */
  maxCachedWorkflows?: number;
  /** Where `npm start` keeps the dev server's journeys, the keys and the mail (PARCOURS_DATA_DIR). */
  dataDir: string;
  /** Signs the web app's CSRF tokens (CSRF_SECRET); needed alike by every API process. */
  csrfSecret?: string;
  webhooks: {
    /** Delays between attempts and when to give up (WEBHOOK_RETRY_INITIAL, WEBHOOK_RETRY_MAX, WEBHOOK_GIVE_UP_AFTER). */
    retry: WebhookRetry;
    /** Public https endpoints only under NODE_ENV=production. */
    rules: DestinationRules;
  };
}

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The bundle `npm run build` writes. */
export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '../dist/workflow-bundle.js');

/** The bundle to use: WORKFLOW_BUNDLE, or dist/ in production, or none (bundle at start). Read by the worker only. */
export function bundlePathFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  built: string = DEFAULT_BUNDLE_PATH,
): string | undefined {
  if (env.WORKFLOW_BUNDLE) return env.WORKFLOW_BUNDLE;
  if (env.NODE_ENV === 'production') {
    if (!existsSync(built)) {
      throw new Error(`NODE_ENV=production needs a prebuilt workflow bundle; run \`npm run build\` first.`);
    }
    return built;
  }
  return undefined;
}

export { DEFAULTS };

/** Where webhooks may go: public https endpoints only under NODE_ENV=production (webhooks/destination.ts). */
export function destinationRulesFor(env: NodeJS.ProcessEnv = process.env): DestinationRules {
  return { publicOnly: env.NODE_ENV === 'production' };
}

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

function optionalPositiveInt(name: string, value: string | undefined): number | undefined {
  return value === undefined || value === '' ? undefined : positiveInt(name, value, 0);
}

/** Express's `trust proxy`: false, true (every proxy), a number of hops, or addresses and subnets. */
export type TrustProxy = boolean | number | string;

function trustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** Bytes of randomness a key written as hex or base64(url) carries, after an optional `name_` prefix. */
function keyBytes(key: string): number {
  const body = key.replace(/^[a-z]+_/i, '');
  if (/^[0-9a-f]+$/i.test(body)) return Math.floor(body.length / 2);
  if (/^[A-Za-z0-9+/_-]+=*$/.test(body)) return Math.floor((body.replace(/=+$/, '').length * 6) / 8);
  return 0;
}

/** The bootstrap key has manager rights and creates organisations: it must not be guessable. */
function adminApiKey(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // Eight distinct characters at least: a key of one repeated character is long, not random.
  if (keyBytes(value) < 32 || new Set(value).size < 8) {
    throw new Error(
      'ADMIN_API_KEY must hold at least 32 random bytes, written in hex or base64 ' +
        "(for example: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\").",
    );
  }
  return value;
}

function logLevel(value: string | undefined): LogLevel {
  if (!value) return 'WARN';
  const level = value.toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${value}`);
  }
  return level as LogLevel;
}

/** WORKER_METRICS_PORT turns the worker's Prometheus exporter on; each worker process needs its own. */
function workerMetrics(env: NodeJS.ProcessEnv): Config['workerMetrics'] {
  const value = env.WORKER_METRICS_PORT;
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new Error(`WORKER_METRICS_PORT must be a port number (1-65535), got ${value}`);
  }
  return { host: env.WORKER_METRICS_HOST || '127.0.0.1', port: Number(value) };
}

function metricsToken(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length < 16) throw new Error('METRICS_TOKEN must be at least 16 characters long');
  return value;
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
    adminApiKey: adminApiKey(env.ADMIN_API_KEY),
    trustProxy: trustProxy(env.TRUST_PROXY),
    startedTarget: positiveInt('STATS_TARGET', env.STATS_TARGET, 10_000),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    encryption: encryptionKeysFromEnv(env),
    policy: loadPolicy(env.JOURNEY_POLICY),
    logLevel: logLevel(env.LOG_LEVEL),
    metricsToken: metricsToken(env.METRICS_TOKEN),
    workerMetrics: workerMetrics(env),
    maxCachedWorkflows: optionalPositiveInt('WORKER_MAX_CACHED_WORKFLOWS', env.WORKER_MAX_CACHED_WORKFLOWS),
    dataDir: path.resolve(env.PARCOURS_DATA_DIR || DEFAULTS.dataDir),
    csrfSecret: env.CSRF_SECRET || undefined,
    webhooks: { retry: webhookRetryFromEnv(env), rules: destinationRulesFor(env) },
  };
}
