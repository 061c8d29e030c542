// The web app's pages in the benchmark: each page's server time, signed in
// as a member (a session opened as /connexion would), against GET /healthz
// in the same run, with the read model already holding 10,000 journeys. The
// dashboard (every journey's indicators) and the CSV export (every journey)
// are measured against one page of the list, with their memory peaks.
import type { Db } from '../prisma/client';
import { openSession, SESSION_COOKIE } from '../web/sessions';
import { memoryPeak } from './timing';

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

/**
 * Reads a page as it comes, keeping none of it (the client runs in the
 * server's process: a body held here would count as the server's memory);
 * the number of bytes it sent.
 */
async function pageBytes(b: PageBench, route: string, cookie: string): Promise<number> {
  const res = await fetch(`${b.baseUrl}${route}`, { headers: { cookie } });
  if (res.status !== 200 || !res.body) throw new Error(`GET ${route} answered ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Uint8Array).byteLength;
  return bytes;
}

export async function measurePages(
  b: PageBench,
  measure: Measure,
  note: (name: string, value: number) => void,
  runs = 50,
): Promise<void> {
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

  // Every journey at once, one request at a time, against one page of the list.
  const list = 'page /parcours (manager: every journey, counts per status)';
  const whole: [string, string, string, number][] = [
    ['page /tableau-de-bord (manager: the network)', '/tableau-de-bord', manager, 20],
    ['page /tableau-de-bord (fabrique: its own)', '/tableau-de-bord', fabrique, 20],
    ['GET /parcours.csv (manager: every journey)', '/parcours.csv', manager, 5],
  ];
  for (const [name, route, cookie, n] of whole) {
    await page(b, route, cookie);
    await measure(name, n, 1, () => page(b, route, cookie), list);
  }
  for (const [what, route] of [
    ['/tableau-de-bord', '/tableau-de-bord'],
    ['/parcours (one page)', '/parcours'],
    ['/parcours.csv', '/parcours.csv'],
  ] as const) {
    let bytes = 0;
    const peak = await memoryPeak(async () => (bytes = await pageBytes(b, route, manager)));
    note(`heap peak above idle during one GET ${what}, manager (MB)`, peak.heapMb);
    note(`resident size peak above idle during one GET ${what}, manager (MB)`, peak.rssMb);
    if (route === '/parcours.csv')
      note('size of /parcours.csv, every journey (KB)', Math.round(bytes / 1024));
  }
}
