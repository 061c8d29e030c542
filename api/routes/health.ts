// Liveness and readiness. Readiness asks PostgreSQL and Temporal for real and
// names whichever does not answer.
import { Router } from 'express';
import { Connection, type Client } from '@temporalio/client';
import type { Db } from '../../prisma/client';
import { sendProblem, unavailable } from '../problem';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function healthRoutes(db: Db, temporal: Client): { router: Router; close: () => Promise<void> } {
  const router = Router();
  // A probe connection without the client's retry interceptor: readiness
  // wants one quick answer, not a minute of retries piling up while down.
  let probe: Connection | undefined;
  const probeTemporal = async () => {
    const base = temporal.connection;
    if (!(base instanceof Connection)) return base.workflowService.getSystemInfo({});
    probe ??= Connection.lazy({ ...base.options, interceptors: [] });
    const p = probe;
    return p.withDeadline(Date.now() + 2500, () => p.workflowService.getSystemInfo({}));
  };
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await withTimeout(probe(), 3000);
        return { status: 'up' as const };
      } catch (err) {
        const e = err as Error & { code?: string };
        const line = e.message.split('\n').find((l) => l.trim()) ?? e.code ?? e.name;
        return { status: 'down' as const, error: line.trim() };
      }
    };
    const [database, temporalCheck] = await Promise.all([
      check(() => db.$queryRaw`SELECT 1`),
      check(probeTemporal),
    ]);
    const checks = { database, temporal: temporalCheck };
    const down = Object.entries(checks)
      .filter(([, c]) => c.status === 'down')
      .map(([name]) => name);
    if (down.length === 0) {
      res.json({ status: 'ready', checks });
      return;
    }
    const names = down.map((d) => (d === 'database' ? 'PostgreSQL database' : 'Temporal'));
    sendProblem(res, unavailable(`Not ready: ${names.join(' and ')} not answering.`, { down, checks }));
  });
  return { router, close: async () => probe?.close() };
}
