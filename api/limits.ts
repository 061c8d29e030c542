// Abuse limits: failed authentications and the public follow-up routes are
// rate limited per client address; CORS stays closed unless origins are listed.
import cors from 'cors';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Problem, sendProblem } from './problem';

export interface Limits {
  /** Failed authentications (401) allowed per client address and window. */
  authFailures: number;
  /** Requests to /v1/follow-ups allowed per client address and window. */
  followUpRequests: number;
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
  followUpRequests: 60,
  signInPerClient: 30,
  signInPerAddress: 5,
  windowMs: 15 * 60_000,
  corsOrigins: [],
};

function tooMany(detail: string): RequestHandler {
  return (_req, res) => sendProblem(res, new Problem(429, 'Too many requests', detail));
}

/**
 * Counts the requests that failed authentication, and answers 429 instead of
 * 401 once an address has failed too often. It goes after `authenticate` and
 * sees only its 401s: a valid key from the same address is never held back.
 */
export function authFailureLimit(limits: Limits): ErrorRequestHandler {
  const limiter = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.authFailures,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooMany('Too many failed authentications from this address; try again later.'),
  });
  return (err: unknown, req, res, next) => {
    if (!(err instanceof Problem && err.status === 401)) return next(err);
    void limiter(req, res, (failure?: unknown) => next(failure ?? err));
  };
}

export function followUpLimit(limits: Limits): RequestHandler {
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.followUpRequests,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooMany('Too many requests on follow-up links from this address; try again later.'),
  });
}

export function corsPolicy(limits: Limits): RequestHandler {
  return cors({
    origin: limits.corsOrigins.length ? limits.corsOrigins : false,
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    methods: ['GET', 'POST', 'DELETE'],
    maxAge: 600,
  });
}
