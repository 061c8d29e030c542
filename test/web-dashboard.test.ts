// The dashboard and the CSV export, in real Chromium, over a database of
// this file's own: a network's read model (journeys in every status, with
// their follow-ups) plus a few referrals through the API. The dashboard
// shows the figures of GET /v1/stats, its charts are drawn under the pages'
// Content-Security-Policy, every chart's table reads the same without
// JavaScript, a fabrique sees its own figures only, and the CSV holds the
// list's journeys as the API lists them. axe-core checks every page.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedReadModel } from '../bench/seed';
import { CSV_COLUMNS } from '../web/routes/journeys-csv';
import { launchChromium, newContext, screenshot, seriousViolations } from './support/browser';
import { dropDatabase, freshDatabase } from './support/databases';
import { startStack, type HttpResult, type TestStack } from './support/stack';
import { addMember, signIn, type TestMember } from './support/web';

let stack: TestStack;
let databaseUrl: string;
let browser: Browser;
let manager: TestMember;
let admissions: TestMember;
let agent: TestMember;
const contexts: BrowserContext[] = [];
/** Messages of the browser's console that report a Content-Security-Policy violation, or a page error. */
const violations: string[] = [];

const count = (n: number) => n.toLocaleString('fr-FR');
const percent = (rate: number | null) =>
  rate === null
    ? '—'
    : new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 }).format(rate);

beforeAll(async () => {
  databaseUrl = await freshDatabase('dashboard');
  stack = await startStack({ databaseUrl, limits: { signInPerAddress: 100 } });
  const { agency, fabrique, fabrique2 } = stack.orgs;
  await seedReadModel(stack.db, { agencyId: agency.id, fabriqueIds: [fabrique.id, fabrique2.id] }, 150);
  browser = await launchChromium();
  manager = await addMember(stack, stack.orgs.manager, 'Mina Gestion');
  admissions = await addMember(stack, fabrique, 'Karim Admissions');
  agent = await addMember(stack, agency, 'Claire Conseil');
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await stack?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

async function memberPage(member: TestMember, javaScriptEnabled = true): Promise<Page> {
  const context = await newContext(browser, stack.baseUrl, { javaScriptEnabled });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(e.message));
  await signIn(stack, page, member.email);
  return page;
}

/** Saves the page's screenshot and finds no serious or critical axe violation. */
async function check(page: Page, name: string): Promise<void> {
  // The whole page in the window first: a full-page capture that resizes it would redraw the charts mid-way.
  const height = await page.locator('html').evaluate((html) => html.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  if (await page.locator('canvas').count()) await page.waitForTimeout(500);
  await screenshot(page, name);
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(await seriousViolations(page, name)).toEqual([]);
}

async function stats(query: string, key = stack.orgs.manager.key) {
  const res = await stack.request('GET', `/v1/stats${query}`, key);
  expect(res.status).toBe(200);
  return res.body;
}

/** The rows of the table of a chart, each as its cells' text. */
async function tableRows(page: Page, id: string): Promise<string[][]> {
  return page
    .locator(`#${id}-donnees tbody tr`)
    .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));
}

/** The key figures, label → value. */
async function figures(page: Page): Promise<Record<string, string>> {
  const items = await page
    .getByRole('list', { name: 'Chiffres clés' })
    .locator('li')
    .evaluateAll((lis) =>
      lis.map((li) => [...li.querySelectorAll('p')].map((p) => (p.textContent ?? '').trim())),
    );
  return Object.fromEntries(items.map(([value, label]) => [label, value]));
}

/** What the page shows must be what GET /v1/stats answers for the same filters. */
async function expectSameAsApi(page: Page, query: string, key = stack.orgs.manager.key) {
  const s = await stats(query, key);
  const f = await figures(page);
  expect(f['Orientations']).toBe(count(s.journeys));
  expect(f['Entrées en formation']).toBe(count(s.started));
  expect(f[`de l’objectif de ${count(10_000)} entrées`]).toBe(percent(s.target.progress));
  expect(f['Taux d’admission']).toBe(percent(s.admissionRate));
  expect(await tableRows(page, 'entrees')).toEqual(
    s.startsByMonth.map((m: { month: string; started: number; cumulative: number; progress: number }) => [
      new Intl.DateTimeFormat('fr-FR', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
        new Date(`${m.month}-01T00:00:00Z`),
      ),
      count(m.started),
      count(m.cumulative),
      percent(m.progress),
    ]),
  );
  expect(await tableRows(page, 'public')).toEqual([
    ['Femmes', percent(s.amongStarted.women)],
    ['Résident·es d’un quartier prioritaire (QPV)', percent(s.amongStarted.qpvResidents)],
    ['Sans diplôme', percent(s.amongStarted.noDiploma)],
    ['Niveau bac ou moins', percent(s.amongStarted.bacOrBelow)],
    ['Moins de 26 ans', percent(s.amongStarted.under26)],
  ]);
  expect(await tableRows(page, 'sorties')).toEqual(
    (['3m', '6m'] as const).map((m) => {
      const f = s.followUps[m];
      return [
        m === '3m' ? 'À 3 mois' : 'À 6 mois',
        count(f.due),
        count(f.answered),
        percent(f.responseRate),
        count(f.positiveExits),
        percent(f.positiveExitRate),
      ];
    }),
  );
  return s;
}

test('a manager reads the network’s indicators as key figures and charts, each with its table, as GET /v1/stats has them', async () => {
  const page = await memberPage(manager);
  await page.getByRole('link', { name: 'Tableau de bord' }).click();
  await page.waitForURL('**/tableau-de-bord');
  expect(await page.getByRole('link', { name: 'Tableau de bord' }).getAttribute('aria-current')).toBe('page');
  const s = await expectSameAsApi(page, '');
  expect(s.journeys).toBe(150);
  expect(s.started).toBeGreaterThan(0);
  expect(s.followUps['6m'].answered).toBeGreaterThan(0);

  // The cuts: each fabrique and each region, with the API's own groups.
  const byFabrique = (await stats('?groupBy=fabrique')).groups as {
    name: string;
    journeys: number;
    started: number;
  }[];
  const rows = await tableRows(page, 'par-fabrique');
  expect(rows.map((r) => r.slice(0, 3)).sort()).toEqual(
    byFabrique.map((g) => [g.name, count(g.journeys), count(g.started)]).sort(),
  );
  const byRegion = (await stats('?groupBy=region')).groups as { key: string; journeys: number }[];
  expect((await tableRows(page, 'par-region')).map((r) => [r[0], r[1]]).sort()).toEqual(
    byRegion.map((g) => [g.key, count(g.journeys)]).sort(),
  );

  // The charts are drawn by @gouvfr/dsfr-chart, within the pages' Content-Security-Policy.
  for (const element of ['bar-line-chart', 'bar-chart']) {
    await page.locator(`${element} canvas`).first().waitFor();
  }
  expect(await page.locator('canvas').count()).toBe(5);
  // Each chart's data table scrolls in a region a screen reader names.
  expect(await page.getByRole('region', { name: /^Données : / }).count()).toBe(5);
  expect(violations).toEqual([]);
  await check(page, 'tableau-de-bord');
});

test('the filters of the GET form narrow every figure; a filter that is not valid is shown and left out', async () => {
  const page = await memberPage(manager);
  await page.goto('/tableau-de-bord');
  await page.getByLabel('Fabrique', { exact: true }).selectOption({ label: stack.orgs.fabrique2.name });
  await page.getByLabel('Orienté·e à partir du').fill('2024-06-01');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(/from=2024-06-01/);
  expect(new URL(page.url()).searchParams.get('fabriqueId')).toBe(stack.orgs.fabrique2.id);
  const s = await expectSameAsApi(page, `?fabriqueId=${stack.orgs.fabrique2.id}&from=2024-06-01`);
  expect(s.journeys).toBeLessThan(75);
  expect(await page.getByLabel('Fabrique', { exact: true }).inputValue()).toBe(stack.orgs.fabrique2.id);

  await page.goto('/tableau-de-bord?region=Hauts-de-France&to=2024-02-30');
  expect(await page.locator('#erreurs').innerText()).toContain(
    'Orienté·e jusqu’au : Saisissez une date valide',
  );
  await expectSameAsApi(page, '?region=Hauts-de-France');
  await check(page, 'tableau-de-bord-filtre-refuse');
  expect(violations).toEqual([]);
});

test('a fabrique sees its own figures, without the cuts; asking for another’s is not found; an agency has no dashboard', async () => {
  const page = await memberPage(admissions);
  await page.getByRole('link', { name: 'Tableau de bord' }).click();
  await page.waitForURL('**/tableau-de-bord');
  const own = await expectSameAsApi(page, '', stack.orgs.fabrique.key);
  expect(own.journeys).toBe(75);
  expect(await page.getByRole('heading', { name: 'Par fabrique' }).count()).toBe(0);
  expect(await page.getByLabel('Fabrique', { exact: true }).count()).toBe(0);
  await check(page, 'tableau-de-bord-fabrique');

  const res = await page.goto(`/tableau-de-bord?fabriqueId=${stack.orgs.fabrique2.id}`);
  expect([res?.status(), await page.locator('h1').innerText()]).toEqual([404, 'Page introuvable']);

  const agency = await memberPage(agent);
  expect(await agency.getByRole('link', { name: 'Tableau de bord' }).count()).toBe(0);
  const refused = await agency.goto('/tableau-de-bord');
  expect([refused?.status(), await agency.locator('h1').innerText()]).toEqual([404, 'Page introuvable']);
});

test('without JavaScript, no chart is drawn and the tables carry every figure', async () => {
  const page = await memberPage(manager, false);
  await page.goto('/tableau-de-bord');
  expect(await page.locator('canvas').count()).toBe(0);
  await expectSameAsApi(page, '');
  expect((await tableRows(page, 'par-fabrique')).length).toBe(2);
  await screenshot(page, 'tableau-de-bord-sans-javascript');
});

describe('/parcours.csv', () => {
  const trap = '=HYPERLINK("http://evil.test","Cliquez")';

  beforeAll(async () => {
    // Cells a spreadsheet would take for formulas, as an agency may type them.
    const journey = await stack.refer({
      trainingTitle: trap,
      referrer: { name: '@SOMME(1+1)', email: 'conseil@orgs.test' },
      learner: stack.learner({ lastName: '-Martin', firstName: '+Awa' }),
    });
    await stack.must(journey.id, 'take-in-review', stack.orgs.fabrique.key, {});
  });

  /** Every journey of the API's list under these filters, for this organisation's key. */
  async function apiList(key: string, query: string) {
    const items: HttpResult['body'][] = [];
    let cursor = '';
    do {
      const res = await stack.request('GET', `/v1/journeys?limit=200${query}${cursor}`, key);
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor ? `&cursor=${res.body.nextCursor}` : '';
    } while (cursor);
    return items;
  }

  const day = (iso: string | null) => {
    if (!iso) return '';
    const d = /^\d{4}-\d{2}-\d{2}$/.test(iso)
      ? iso
      : new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(iso));
    const [y, m, dd] = d.split('-');
    return `${dd}/${m}/${y}`;
  };

  test('the link of /parcours downloads the list’s journeys under its filters, as the API lists them', async () => {
    const page = await memberPage(admissions);
    await page.goto('/parcours');
    await page.getByLabel('Statut', { exact: true }).selectOption({ label: 'À l’étude' });
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/status=in_review/);
    const link = page.getByRole('link', { name: 'Télécharger ces parcours (CSV)' });
    expect(await link.getAttribute('href')).toBe('/parcours.csv?status=in_review');
    await check(page, 'parcours-liste-export');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^parcours-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = await readFile(await download.path());
    // UTF-8 with a BOM, `;` between cells, Windows line ends, French headers.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(`\ufeff${CSV_COLUMNS.map(([h]) => h).join(';')}`);
    const rows: Record<string, string>[] = parse(bytes, { bom: true, delimiter: ';', columns: true });

    const api = await apiList(stack.orgs.fabrique.key, '&status=in_review');
    expect(api.length).toBeGreaterThan(1);
    expect(rows.map((r) => r['Identifiant du parcours'])).toEqual(api.map((j) => j.id));
    for (const [i, j] of api.entries()) {
      const r = rows[i] as Record<string, string>;
      expect([r['Statut'], r['Fabrique'], r['Prescripteur']]).toEqual([
        'À l’étude',
        j.fabrique.name,
        j.agency.name,
      ]);
      expect(r['Date d’orientation']).toBe(day(j.dates.referredAt));
      expect(r['Date de naissance']).toBe(day(j.learner.birthDate));
      expect(r['Quartier prioritaire (QPV)']).toBe(j.learner.qpvResident ? 'Oui' : 'Non');
    }
    // Formula-looking cells are kept as text: a leading apostrophe, the value intact after it.
    const trapped = rows.find((r) => r['Intitulé de la formation']?.includes('HYPERLINK')) as Record<
      string,
      string
    >;
    expect([
      trapped['Intitulé de la formation'],
      trapped['Conseiller ou conseillère'],
      trapped['Nom'],
      trapped['Prénom'],
    ]).toEqual([`'${trap}`, "'@SOMME(1+1)", "'-Martin", "'+Awa"]);
    expect(trapped['Date d’orientation']).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
  });

  test('a manager exports the whole network, streamed; filters that are not valid get a French page', async () => {
    const page = await memberPage(manager);
    const res = await page.request.get(`/parcours.csv?fabriqueId=${stack.orgs.fabrique2.id}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
    // Streamed: sent in chunks as the pages of journeys are read, with no length known beforehand.
    expect(res.headers()['transfer-encoding']).toBe('chunked');
    const rows: Record<string, string>[] = parse(await res.body(), {
      bom: true,
      delimiter: ';',
      columns: true,
    });
    const api = await apiList(stack.orgs.manager.key, `&fabriqueId=${stack.orgs.fabrique2.id}`);
    expect(rows.map((r) => r['Identifiant du parcours'])).toEqual(api.map((j) => j.id));
    expect(new Set(rows.map((r) => r['Fabrique']))).toEqual(new Set([stack.orgs.fabrique2.name]));

    const all = parse(await (await page.request.get('/parcours.csv')).body(), {
      bom: true,
      delimiter: ';',
      columns: true,
    });
    expect(all.length).toBe((await apiList(stack.orgs.manager.key, '')).length);

    const refused = await page.goto('/parcours.csv?from=2027-02-30&status=nope');
    expect(refused?.status()).toBe(400);
    expect(await page.locator('h1').innerText()).toBe('Export impossible');
    expect(await page.locator('main').innerText()).toContain('Statut');
    await check(page, 'parcours-csv-refuse');
  });
});
