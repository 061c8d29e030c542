// Prometheus metrics of the API at /metrics (prom-client): each request's
// duration by method, route pattern and status, journeys by status read from
// the read model at each scrape (one grouped query), and Node's own figures.
// Labels hold patterns and codes only (`/v1/journeys/:id`), never a raw path:
// no id, token or personal data reaches them.
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Router, type Request, type RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { STATUSES } from '../domain/transitions';
import type { Logger } from '../observability/logger';
import type { Db } from '../prisma/client';
import { notFound, unauthorized } from './problem';

export interface ApiMetrics {
  registry: Registry;
  /** The app's first middleware: times each request, labelled with the pattern of the route that took it, and logs it. */
  observeRequests: RequestHandler;
  /** GET /metrics, for whom `MetricsAccess` lets in. */
  router: Router;
}

/** Who reads /metrics: with a token, whoever sends it; without, local clients only, and only with no proxy in front. */
export interface MetricsAccess {
  token?: string;
  behindProxy: boolean;
}

const PATTERN = Symbol('route pattern');
const MOUNT = Symbol('mount path');
type Timed = Request & { [PATTERN]?: string; [MOUNT]?: string };

/** Requests that no router took. */
const UNMATCHED = 'unmatched';

function patternOf(path: unknown): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(patternOf).join('|');
  return String(path);
}

/**
 * Express sets `req.route` when a route takes the request, while `req.baseUrl`
 * still holds its router's mount path: the full pattern is known only then
 * (an error handler further on sees `baseUrl` restored), so it is kept then.
 * The last mount path the request entered is kept too, for a request that a
 * router refused before any of its routes (a bad API key under `/v1`).
 */
function rememberPattern(req: Timed): void {
  let route: { path?: unknown } | undefined;
  let baseUrl = req.baseUrl;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      // A router's `/` route is its mount path: `/v1/journeys`, not `/v1/journeys/`.
      if (value) req[PATTERN] = `${baseUrl}${patternOf(value.path)}`.replace(/(.)\/$/, '$1');
    },
  });
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set(value: string) {
      baseUrl = value;
      if (value) req[MOUNT] = value;
    },
  });
}

function routeLabel(req: Timed): string {
  // Mount paths hold no parameters, so a mount path is a pattern too.
  return req[PATTERN] ?? (req[MOUNT] ? `${req[MOUNT]}/*` : UNMATCHED);
}

let processRegistry: Registry | undefined;

/** Node's figures (CPU, memory, event loop, GC) are the process's: collected once, whatever the apps in it. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
}

function allowed(req: Request, access: MetricsAccess): 'yes' | 'unauthorized' | 'hidden' {
  if (access.token) {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    return sameSecret(given, access.token) ? 'yes' : 'unauthorized';
  }
  // Behind a proxy every client seems local: without a token, nobody.
  return !access.behindProxy && isLoopback(req.socket.remoteAddress) ? 'yes' : 'hidden';
}

/** With a logger, each request is also a log line: method, route pattern, status code, milliseconds. */
export function apiMetrics(db: Db, access: MetricsAccess, logger?: Logger): ApiMetrics {
  const registry = new Registry();
  const durations = new Histogram({
    name: 'parcours_http_request_duration_seconds',
    help: 'Time from a request to its response, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'parcours_journeys',
    help: 'Journeys by status, as the read model holds them at the scrape',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.journey.groupBy({ by: ['status'], _count: { _all: true } });
      const counts = new Map(rows.map((r) => [r.status, r._count._all]));
      for (const status of STATUSES) this.set({ status }, counts.get(status) ?? 0);
    },
  });

  const observeRequests: RequestHandler = (req, res, next) => {
    const timed = req as Timed;
    rememberPattern(timed);
    const end = durations.startTimer();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeLabel(timed), status_code: String(res.statusCode) };
      const seconds = end(labels);
      logger?.info({ ...labels, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  };

  const everything = Registry.merge([processMetrics(), registry]);
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    const verdict = allowed(req, access);
    if (verdict === 'unauthorized')
      return next(unauthorized('/metrics asks for Authorization: Bearer <METRICS_TOKEN>'));
    if (verdict === 'hidden') return next(notFound(`No route ${req.method} ${req.path}.`));
    try {
      const text = await everything.metrics();
      res.type(everything.contentType).send(text);
    } catch (err) {
      next(err);
    }
  });
  return { registry: everything, observeRequests, router };
}
