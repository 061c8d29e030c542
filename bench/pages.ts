// The web app's pages in the benchmark: each page's server time, signed in
// as a member (a session opened as /connexion would), against GET /healthz
// in the same run, with the read model already holding 10,000 journeys.
import type { Db } from '../prisma/client';
import { openSession, SESSION_COOKIE } from '../web/sessions';

type Measure = (
  name: string,
  runs: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
  baseline?: string,
) => Promise<unknown>;

export interface PageBench {
  db: Db;
  baseUrl: string;
  adminKey: string;
  managerId: string;
  fabriqueId: string;
  /** A journey at the fabrique, for its page and its action form. */
  journeyId: string;
}

async function memberCookie(b: PageBench, orgId: string, name: string): Promise<string> {
  const res = await fetch(`${b.baseUrl}/v1/organizations/${orgId}/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${name}-${Date.now()}@members.bench`, name }),
  });
  if (res.status !== 201) throw new Error(`adding a bench member failed: ${res.status}`);
  const member = (await res.json()) as { id: string };
  return `${SESSION_COOKIE}=${await openSession(b.db, member.id)}`;
}

async function page(b: PageBench, route: string, cookie?: string): Promise<void> {
  const res = await fetch(`${b.baseUrl}${route}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  await res.text();
  if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}`);
}

export async function measurePages(b: PageBench, measure: Measure, runs = 50): Promise<void> {
  const manager = await memberCookie(b, b.managerId, 'manager');
  const fabrique = await memberCookie(b, b.fabriqueId, 'fabrique');
  const pages: [string, string, string | undefined][] = [
    ['page /', '/', undefined],
    ['page /connexion', '/connexion', undefined],
    ['page /parcours (manager: every journey, counts per status)', '/parcours', manager],
    ['page /parcours?status=in_training (manager, a filter)', '/parcours?status=in_training', manager],
    ['page /parcours (fabrique: its journeys)', '/parcours', fabrique],
    ['page /parcours/:id', `/parcours/${b.journeyId}`, fabrique],
    ['page /parcours/:id/actions/admit', `/parcours/${b.journeyId}/actions/admit`, fabrique],
  ];
  for (const [, route, cookie] of pages) await page(b, route, cookie);
  for (const [name, route, cookie] of pages) {
    await measure(name, runs, 4, () => page(b, route, cookie), 'GET /healthz');
  }
}
