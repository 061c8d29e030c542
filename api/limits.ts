// Abuse limits, on express-rate-limit with its standard headers: failed
// authentications, unknown follow-up links and health checks are counted per
// client address, actions per journey; CORS stays closed unless origins are listed.
import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import {
  ipKeyGenerator,
  MemoryStore,
  rateLimit,
  type ClientRateLimitInfo,
  type Options,
  type Store,
} from 'express-rate-limit';
import { Problem, sendProblem } from './problem';

export interface Limits {
  /** Failed authentications (401) allowed per client address and window. */
  authFailures: number;
  /** Follow-up links not found (404) allowed per client address and window. */
  followUpFailures: number;
  /** Actions tried on one journey per window, whoever sends them. */
  actionsPerJourney: number;
  /** Sign-in link requests (POST /connexion) allowed per client address and window. */
  signInPerClient: number;
  /** Sign-in link requests allowed per email address and window, known or not. */
  signInPerAddress: number;
  /** Health checks (/healthz, /readyz) allowed per client address and window; /metrics the same, counted apart. */
  probesPerClient: number;
  windowMs: number;
  /** Origins allowed by CORS; empty means no cross-origin access. */
  corsOrigins: string[];
}

export const DEFAULT_LIMITS: Limits = {
  authFailures: 20,
  followUpFailures: 60,
  actionsPerJourney: 60,
  signInPerClient: 30,
  signInPerAddress: 5,
  probesPerClient: 3_000,
  windowMs: 15 * 60_000,
  corsOrigins: [],
};

/**
 * Counts the requests of one client address that end in `failed` statuses,
 * and once an address has failed `limit` times in the window, answers 429 to
 * everything it sends, before any other work: a guesser who also holds a
 * good key or link gets nothing more through. Successes never count, so a
 * busy client that does not fail is never held back, however many requests
 * it has in flight.
 *
 * express-rate-limit asks its store before the request runs: this store
 * answers with the failures so far plus this request, as if it were to fail,
 * and keeps the request only once it has failed. The limiter then refuses,
 * and writes its standard headers (RateLimit-Limit, -Remaining, -Reset, and
 * Retry-After on a 429), as for any of its limits.
 */
class FailureStore implements Store {
  readonly localKeys = true;
  private readonly failures = new MemoryStore();
  private windowMs = DEFAULT_LIMITS.windowMs;

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.failures.init(options);
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const soFar = await this.failures.get(key);
    return {
      totalHits: (soFar?.totalHits ?? 0) + 1,
      resetTime: soFar?.resetTime ?? new Date(Date.now() + this.windowMs),
    };
  }

  async decrement(): Promise<void> {
    // Nothing was kept for the request: increment only asked.
  }

  async resetKey(key: string): Promise<void> {
    await this.failures.resetKey(key);
  }

  async failed(key: string): Promise<void> {
    await this.failures.increment(key);
  }
}

/** A 429 problem; express-rate-limit has already written Retry-After and its headers. */
const refuse =
  (detail: string): Options['handler'] =>
  (_req, res) =>
    sendProblem(res, new Problem(429, 'Too many requests', detail));

/** Clients keyed by address, IPv6 by subnet, as express-rate-limit does. */
const byAddress = (req: Request) => ipKeyGenerator(req.ip ?? '');

function failureLimit(options: {
  limit: number;
  windowMs: number;
  failed: (status: number) => boolean;
  detail: string;
}): RequestHandler {
  const store = new FailureStore();
  const limiter = rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    store,
    keyGenerator: byAddress,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    handler: refuse(options.detail),
  });
  return (req, res, next) => {
    res.on('finish', () => {
      if (options.failed(res.statusCode)) void store.failed(byAddress(req));
    });
    void limiter(req, res, next);
  };
}

/** Goes before authentication: an address that failed too often is refused, good key or not. */
export function authFailureLimit(limits: Limits): RequestHandler {
  return failureLimit({
    limit: limits.authFailures,
    windowMs: limits.windowMs,
    failed: (status) => status === 401,
    detail: 'Too many failed authentications from this address; try again later.',
  });
}

/** Only links that were not found count: learners answering their own survey never do. */
export function followUpLimit(limits: Limits): RequestHandler {
  return failureLimit({
    limit: limits.followUpFailures,
    windowMs: limits.windowMs,
    failed: (status) => status === 404,
    detail: 'Too many unknown follow-up links from this address; try again later.',
  });
}

/**
 * The probes answer anyone without a key, and readiness asks PostgreSQL and
 * Temporal each time: one address may call them `probesPerClient` times a
 * window, far above what an orchestrator or a load balancer sends.
 */
export function probeLimit(limits: Limits): RequestHandler {
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.probesPerClient,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    handler: refuse('Too many health checks from this address; try again later.'),
  });
}

/** express-rate-limit's standard headers (IETF draft 6) and Retry-After, for a limit counted apart from a request. */
function limitHeaders(limit: number, windowMs: number, hits: ClientRateLimitInfo): Record<string, string> {
  const reset = Math.max(1, Math.ceil(((hits.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
  return {
    'RateLimit-Policy': `${limit};w=${Math.ceil(windowMs / 1000)}`,
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, limit - hits.totalHits)),
    'RateLimit-Reset': String(reset),
    'Retry-After': String(reset),
  };
}

/**
 * Actions on one journey, from any caller and any way in (API, web, survey
 * link): a fabrique records a few a day, so a burst beyond this is a script
 * gone wrong, or an attack filling the journey's history and the agency's
 * mailbox. Counted per API process, once the caller may act on the journey
 * (another organisation's requests never use up its actions). Throws a 429
 * problem with the standard rate-limit headers.
 */
export function journeyActionLimit(limits: Limits): (journeyId: string) => Promise<void> {
  const store = new MemoryStore();
  store.init({ windowMs: limits.windowMs } as Options);
  return async (journeyId) => {
    const hits = await store.increment(`journey:${journeyId}`);
    if (hits.totalHits > limits.actionsPerJourney) {
      throw new Problem(
        429,
        'Too many requests',
        'Too many actions on this journey; try again later.',
        {},
        limitHeaders(limits.actionsPerJourney, limits.windowMs, hits),
      );
    }
  };
}

export function corsPolicy(limits: Limits): RequestHandler {
  return cors({
    origin: limits.corsOrigins.length ? limits.corsOrigins : false,
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    methods: ['GET', 'POST', 'DELETE'],
    maxAge: 600,
  });
}
