// Abuse limits: failed authentications and unknown follow-up links are
// counted per client address; CORS stays closed unless origins are listed.
import cors from 'cors';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
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
 */
/** A counter per key over a window, as express-rate-limit keeps them (it sets the window up). */
function windowedStore(windowMs: number, limit: number): MemoryStore {
  const store = new MemoryStore();
  rateLimit({ windowMs, limit, store });
  return store;
}

/** A 429 saying when the window ends, in whole seconds (Retry-After). */
function tooMany(detail: string, resetTime: Date | undefined): Problem {
  const problem = new Problem(429, 'Too many requests', detail);
  problem.retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
  return problem;
}

function failureLimit(options: {
  limit: number;
  windowMs: number;
  failed: (status: number) => boolean;
  detail: string;
}): RequestHandler {
  const store = windowedStore(options.windowMs, options.limit);
  return (req, res, next) => {
    // Clients keyed by address, IPv6 by subnet, as express-rate-limit does.
    const key = ipKeyGenerator(req.ip ?? '');
    store.get(key).then((hits) => {
      if (hits && hits.totalHits >= options.limit) {
        return sendProblem(res, tooMany(options.detail, hits.resetTime));
      }
      res.on('finish', () => {
        if (options.failed(res.statusCode)) void store.increment(key);
      });
      next();
    }, next);
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
 * Actions on one journey, from any caller and any way in (API, web, survey
 * link): a fabrique records a few a day, so a burst beyond this is a script
 * gone wrong, or an attack filling the journey's history and the agency's
 * mailbox. Counted per API process. Throws a 429 problem.
 */
export function journeyActionLimit(limits: Limits): (journeyId: string) => Promise<void> {
  const store = windowedStore(limits.windowMs, limits.actionsPerJourney);
  return async (journeyId) => {
    const hits = await store.increment(`journey:${journeyId}`);
    if (hits.totalHits > limits.actionsPerJourney) {
      throw tooMany('Too many actions on this journey; try again later.', hits.resetTime);
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
