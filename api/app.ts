// The HTTP edge: authentication, validation, routes. Reads come from
// PostgreSQL; actions go to Temporal.
import express, { type Express } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { Client } from '@temporalio/client';
import type { MailCopies } from '../store/mail-copies';
import type { Db } from '../prisma/client';
import type { TimingPolicy } from '../domain/policy';
import { authenticate } from './auth';
import { authFailureLimit, corsPolicy, DEFAULT_LIMITS, followUpLimit, type Limits } from './limits';
import { buildOpenApiDocument } from './openapi';
import { notFound, problemHandler } from './problem';
import type { EncryptionKeys } from '../temporal/payload-codec';
import { codecRoutes } from './routes/codec';
import { followUpRoutes } from './routes/follow-ups';
import { healthRoutes } from './routes/health';
import { journeyRoutes } from './routes/journeys';
import { statsRoutes } from './routes/stats';
import { learnerRoutes } from './routes/learners';
import { notificationRoutes } from './routes/notifications';
import { apiKeyRoutes, organizationRoutes } from './routes/organizations';

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
  /** The worker's .eml folder, when mail does not go out over SMTP: erasure deletes the learner's copies. */
  mailCopies?: MailCopies;
  log?: (message: string) => void;
}

/** Releases what the app holds besides its deps (the readiness probe's connection). */
export async function closeApp(app: Express): Promise<void> {
  await (app.locals.close as (() => Promise<void>) | undefined)?.();
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  const log = deps.log ?? ((m: string) => console.error(`[api] ${m}`));
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  // The API serves JSON; only the docs and the follow-up form are pages.
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  app.use(corsPolicy(limits));
  // Bodies are read only once the caller is known (or on the learner's public
  // route): a request without a valid key gets its 401 before any parsing.
  const json = express.json({ limit: '64kb' });

  const journeyDeps = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    policy: deps.policy,
    actionTimeoutMs: deps.actionTimeoutMs,
  };
  const openapi = buildOpenApiDocument(deps.publicBaseUrl);

  const health = healthRoutes(deps.db, deps.temporal);
  app.locals.close = health.close;
  app.use(health.router);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi));
  app.use('/v1/follow-ups', followUpLimit(limits), json, followUpRoutes(journeyDeps));

  const v1 = express.Router();
  v1.use(authenticate(deps.db, deps.adminApiKey), authFailureLimit(limits), json);
  v1.use('/organizations', organizationRoutes(deps.db));
  v1.use('/organizations', apiKeyRoutes(deps.db));
  v1.use('/journeys', journeyRoutes(journeyDeps));
  v1.use('/stats', statsRoutes(deps.db, deps.startedTarget ?? 10_000));
  v1.use('/learners', learnerRoutes(deps.db, deps.mailCopies));
  v1.use('/notifications', notificationRoutes(deps.db));
  app.use('/v1', v1);
  if (deps.encryption) {
    app.use(
      '/codec',
      authenticate(deps.db, deps.adminApiKey),
      authFailureLimit(limits),
      json,
      codecRoutes(deps.encryption),
    );
  }

  app.use((req, _res, next) => next(notFound(`No route ${req.method} ${req.path}.`)));
  app.use(problemHandler(log));
  return app;
}
