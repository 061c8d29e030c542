// `npm run screenshots`: the README's pictures of the web app, taken in
// Chromium from the app `npm start` runs. It signs in as the demo fabrique's
// member through the link of the newest .eml, as a newcomer would, refers a
// demo learner first if the fabrique has no journey, and saves the journey
// page and an action form to docs/screenshots/; then, as the demo manager,
// the dashboard.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../test/support/browser';

const base = (process.env.PARCOURS_URL || `http://localhost:${process.env.PORT || 3000}`).replace(/\/$/, '');
const dataDir = path.resolve(process.env.PARCOURS_DATA_DIR || '.data');
const mailDir = path.resolve(process.env.MAIL_DIR || path.join(dataDir, 'mail'));
const outDir = path.resolve('docs/screenshots');

const readJson = (file: string) => JSON.parse(readFileSync(path.join(dataDir, file), 'utf8')) as unknown;

/** The sign-in link of the newest .eml written after `since` that holds one. */
async function newestLink(since: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const files = (() => {
      try {
        return readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
      } catch {
        return [];
      }
    })();
    const recent = files
      .map((f) => ({ f, t: statSync(path.join(mailDir, f)).mtimeMs }))
      .filter((e) => e.t >= since)
      .sort((a, b) => b.t - a.t);
    for (const { f } of recent) {
      const text = readFileSync(path.join(mailDir, f), 'utf8').replace(/=\r?\n/g, '');
      const link = /https?:\/\/[^\s"<>]+\/connexion\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
      if (link) return link;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-in link in ${mailDir} (is npm start running without SMTP_URL?)`);
}

async function ensureJourney(): Promise<void> {
  const keys = readJson('demo-keys.json') as Record<string, { id: string; apiKey: string }>;
  const { fabrique, agency } = keys;
  if (!fabrique || !agency) throw new Error('no demo keys: run npm start once first');
  const list = await fetch(`${base}/v1/journeys?limit=1`, {
    headers: { authorization: `Bearer ${fabrique.apiKey}` },
  });
  if (((await list.json()) as { items: unknown[] }).items.length > 0) return;
  const res = await fetch(`${base}/v1/journeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agency.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      learner: {
        firstName: 'Awa',
        lastName: 'Diallo',
        email: 'awa.diallo@example.org',
        birthDate: '2004-05-01',
        gender: 'female',
        postalCode: '93200',
        qpvResident: true,
        diplomaLevel: 'none',
      },
      fabriqueId: fabrique.id,
      referrer: { name: 'Claire Martin', email: 'claire.martin@example.org' },
      trainingTitle: 'Développeur web',
    }),
  });
  if (res.status !== 201) throw new Error(`the demo referral failed: ${res.status}`);
}

async function signIn(page: Page, email: string): Promise<void> {
  const since = Date.now() - 1000;
  await page.goto(`${base}/connexion`);
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
  await page.goto((await newestLink(since)).replace(/^https?:\/\/[^/]+/, base));
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL('**/parcours');
}

/** The demo manager's dashboard, its charts drawn. */
async function dashboard(
  browser: Browser,
  members: { email: string; organization: string }[],
): Promise<void> {
  const manager = members.find((m) => m.email.endsWith('@gen.demo'));
  if (!manager) throw new Error('no demo manager member in demo-members.json');
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await signIn(page, manager.email);
  await page.goto(`${base}/tableau-de-bord`);
  await page.locator('bar-line-chart canvas').waitFor();
  // The whole page in the window first: a full-page capture that resizes it would redraw the charts mid-way.
  const height = await page.locator('html').evaluate((html) => html.scrollHeight);
  await page.setViewportSize({ width: 1200, height });
  await page.waitForTimeout(1000);
  // Its top: the filters, the key figures and the first chart with the start of its table.
  await page.screenshot({
    path: path.join(outDir, 'dashboard.png'),
    clip: { x: 0, y: 0, width: 1200, height: Math.min(height, 1700) },
  });
  await context.close();
}

async function main(): Promise<void> {
  const members = readJson('demo-members.json') as { email: string; organization: string }[];
  const member = members.find((m) => m.organization.includes('Saint-Denis') && m.email.includes('fabrique'));
  if (!member) throw new Error('no demo fabrique member in demo-members.json');
  await ensureJourney();
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await signIn(page, member.email);
    await page.locator('tbody a').first().click();
    await page.waitForURL(/\/parcours\/[0-9a-f-]{36}$/);
    await page.screenshot({ path: path.join(outDir, 'journey.png'), fullPage: true });
    await page.getByRole('list', { name: 'Actions possibles' }).getByRole('link').first().click();
    await page.screenshot({ path: path.join(outDir, 'action.png'), fullPage: true });
    await dashboard(browser, members);
    console.log(
      `Screenshots written to ${path.relative(process.cwd(), outDir)}/ (journey.png, action.png, dashboard.png).`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(`[screenshots] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
