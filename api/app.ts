// The HTTP edge: authentication, validation, routes. Reads come from
// PostgreSQL; actions go to Temporal.
import express, { type Express } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { Client } from '@temporalio/client';
import type { MailCopies } from '../store/mail-copies';
import type { Mailer } from '../mail/mailer';
import type { Db } from '../prisma/client';
import type { TimingPolicy } from '../domain/policy';
import { DEFAULTS, destinationRulesFor, type TrustProxy } from '../config/env';
import { authenticate } from './auth';
import {
  authFailureLimit,
  corsPolicy,
  DEFAULT_LIMITS,
  followUpLimit,
  journeyActionLimit,
  probeLimit,
  type Limits,
} from './limits';
import { apiMetrics, type MetricsAccess } from './metrics';
import { buildOpenApiDocument } from './openapi';
import type { Logger } from '../observability/logger';
import { notFound, problemHandler } from './problem';
import type { EncryptionKeys } from '../temporal/payload-codec';
import { codecRoutes } from './routes/codec';
import { followUpRoutes } from './routes/follow-ups';
import { healthRoutes } from './routes/health';
import { journeyRoutes } from './routes/journeys';
import { statsRoutes } from './routes/stats';
import { learnerRoutes } from './routes/learners';
import { memberRoutes } from './routes/members';
import { notificationRoutes } from './routes/notifications';
import { apiKeyRoutes, organizationRoutes } from './routes/organizations';
import { webRoutes } from '../web/server';
import { webhookRoutes } from './routes/webhooks';
import type { DestinationRules } from '../webhooks/destination';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: TimingPolicy;
  publicBaseUrl: string;
  adminApiKey?: string;
  limits?: Partial<Limits>;
  /** Payload encryption keys: enables the codec endpoint for the Temporal Web UI. */
  encryption?: EncryptionKeys;
  /** Learners started the network aims for (STATS_TARGET); 10,000 by default. */
  startedTarget?: number;
  /** How long an action waits for its outcome before answering 503 (20 s by default). */
  actionTimeoutMs?: number;
  /** History events a journey's workflow run holds before it continues as new; tests set it low. */
  historyLimit?: number;
  /** The worker's .eml folder, when mail does not go out over SMTP: erasure deletes the learner's copies. */
  mailCopies?: MailCopies;
  /** Sends the API's own emails: sign-in links, members added or removed. Without it they are not sent. */
  mailer?: Mailer;
  mailFrom?: string;
  /** Signs the web app's CSRF tokens; the same in every API process (CSRF_SECRET). */
  csrfSecret?: string;
  log?: (message: string) => void;
  /** The process's JSON logger: with it, each request is a log line (route pattern, status, duration). */
  logger?: Logger;
  /** Who reads /metrics (METRICS_TOKEN); by default local clients, unless a proxy is trusted. */
  metricsAccess?: MetricsAccess;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For to believe (TRUST_PROXY). */
  trustProxy?: TrustProxy;
  /** Where webhooks may go: public https only under NODE_ENV=production (the default follows NODE_ENV). */
  webhookRules?: DestinationRules;
}

const NO_MAILER: Mailer = {
  description: 'none',
  send: () => Promise.reject(Object.assign(new Error('no mailer configured'), { code: 'ENOMAILER' })),
  close: () => undefined,
};

/** Releases what the app holds besides its deps (the readiness probe's connection). */
export async function closeApp(app: Express): Promise<void> {
  await (app.locals.close as (() => Promise<void>) | undefined)?.();
}

const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** Swagger UI: its own scripts, styles (some inline) and images, and the document it reads. */
const DOCS_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  const log =
    deps.log ??
    (deps.logger ? (m: string) => deps.logger?.warn(m) : (m: string) => console.error(`[api] ${m}`));
  app.disable('x-powered-by');
  const metrics = apiMetrics(
    deps.db,
    deps.metricsAccess ?? { behindProxy: Boolean(deps.trustProxy) },
    deps.logger,
  );
  app.use(metrics.observeRequests);
  // Client addresses, for the abuse limits: the proxies in front of the API (TRUST_PROXY).
  try {
    app.set('trust proxy', deps.trustProxy ?? false);
  } catch (err) {
    throw new Error(`TRUST_PROXY is not a proxy setting Express understands: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  // The API serves JSON: by default a response may load nothing and be framed
  // nowhere. The pages (the docs, the learner's form) relax it for themselves.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(corsPolicy(limits));
  // Bodies are read only once the caller is known (or on the learner's public
  // route): a request without a valid key gets its 401 before any parsing.
  const json = express.json({ limit: '64kb' });

  const journeyDeps = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    policy: deps.policy,
    limitActions: journeyActionLimit(limits),
    actionTimeoutMs: deps.actionTimeoutMs,
    historyLimit: deps.historyLimit,
  };
  const mail = {
    mailer: deps.mailer ?? NO_MAILER,
    mailFrom: deps.mailFrom ?? DEFAULTS.mailFrom,
    log,
  };
  const openapi = buildOpenApiDocument(deps.publicBaseUrl);

  const health = healthRoutes(deps.db, deps.temporal);
  app.locals.close = health.close;
  app.use(['/healthz', '/readyz'], probeLimit(limits));
  app.use(health.router);
  app.use('/metrics', probeLimit(limits));
  app.use(metrics.router);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', helmet.contentSecurityPolicy({ useDefaults: false, directives: DOCS_CSP }));
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi));
  app.use('/v1/follow-ups', followUpLimit(limits), json, followUpRoutes(journeyDeps));

  const v1 = express.Router();
  v1.use(authFailureLimit(limits), authenticate(deps.db, deps.adminApiKey), json);
  v1.use('/organizations', organizationRoutes(deps.db));
  v1.use('/organizations', apiKeyRoutes(deps.db));
  v1.use('/organizations', memberRoutes({ db: deps.db, mail, publicBaseUrl: deps.publicBaseUrl }));
  v1.use('/journeys', journeyRoutes(journeyDeps));
  v1.use('/stats', statsRoutes(deps.db, deps.startedTarget ?? 10_000));
  v1.use('/learners', learnerRoutes(deps.db, deps.mailCopies));
  v1.use('/notifications', notificationRoutes(deps.db));
  v1.use(
    '/webhooks',
    webhookRoutes({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      rules: deps.webhookRules ?? destinationRulesFor(),
    }),
  );
  app.use('/v1', v1);
  if (deps.encryption) {
    app.use(
      '/codec',
      authFailureLimit(limits),
      authenticate(deps.db, deps.adminApiKey),
      json,
      codecRoutes(deps.encryption),
    );
  }

  // The web app for people: pages at /, /connexion, /parcours, /parcours.csv, /orienter, /tableau-de-bord.
  app.use(
    webRoutes({
      ...journeyDeps,
      mail,
      publicBaseUrl: deps.publicBaseUrl,
      csrfSecret: deps.csrfSecret,
      signInLimits: limits,
      startedTarget: deps.startedTarget ?? 10_000,
      log,
    }),
  );

  app.use((req, _res, next) => next(notFound(`No route ${req.method} ${req.path}.`)));
  app.use(problemHandler(log));
  return app;
}
