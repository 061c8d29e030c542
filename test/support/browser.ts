// Real Chromium (Debian's `chromium`) driven by playwright-core, with axe-core
// on every page the tests open and a screenshot of each in .data/screenshots.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('.data/screenshots');

/** Flags that work with Debian's Chromium on our machines (headless, as root, no network of its own). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function newContext(
  browser: Browser,
  baseURL: string,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({ baseURL, locale: 'fr-FR', viewport: { width: 1280, height: 900 }, ...options });
}

/** The page's path with its ids and tokens as placeholders: `/parcours/:id/actions/admit`. */
function pathPattern(url: string): string {
  return new URL(url).pathname
    .replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi, '/:id')
    .replace(/\/[0-9a-f]{16}(?=\/|$)/g, '/:keyId')
    .replace(/\/[A-Za-z0-9_-]{20,}(?=\/|$)/g, '/:token');
}

/**
 * The serious and critical accessibility violations on the page, as `rule: target` lines.
 * Logs one line a page (`axe /parcours/:id (parcours-detail): 0 critical, 0 serious, …`,
 * with the screenshot's name when given), so that the results per page can be quoted.
 */
export async function seriousViolations(page: Page, name?: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  const count = (impact: string) =>
    results.violations.filter((v) => v.impact === impact).reduce((n, v) => n + v.nodes.length, 0);
  console.log(
    `axe ${pathPattern(page.url())}${name ? ` (${name})` : ''}: ${count('critical')} critical, ${count('serious')} serious, ` +
      `${count('moderate')} moderate, ${count('minor')} minor`,
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** Saves a full-page screenshot as .data/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
