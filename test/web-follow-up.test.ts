// The learner's follow-up form, opened from the survey email in real
// Chromium: the web app's DSFR look, accessible, and it records the answer.
import type { Browser } from 'playwright-core';
import { launchChromium, newContext, screenshot, seriousViolations } from './support/browser';
import { FOLLOW_UP_SOON, liveFollowUpLinks } from './support/follow-up-links';
import { startStack, type TestStack } from './support/stack';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ policy: FOLLOW_UP_SOON });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('a learner answers the survey from the link of the email, on a DSFR page', async () => {
  const [link] = await liveFollowUpLinks(stack);
  const context = await newContext(browser, stack.baseUrl);
  const page = await context.newPage();
  await page.goto(link as string);
  expect(await page.locator('h1').innerText()).toMatch(/Où en êtes-vous \d mois après votre formation/);
  // The DSFR stylesheet, served by the app itself, is applied.
  type Styles = { getComputedStyle(element: unknown): { fontFamily: string } };
  const font = await page
    .locator('h1')
    .evaluate((h) => (globalThis as unknown as Styles).getComputedStyle(h).fontFamily);
  expect(String(font)).toContain('Marianne');
  await screenshot(page, 'suivi-apprenant');
  expect(await seriousViolations(page, 'suivi-apprenant')).toEqual([]);

  await page.locator('label[for=outcome-alternance]').click();
  await page.getByLabel('Employeur ou organisme').fill('Atelier du Web');
  await page.getByRole('button', { name: 'Envoyer ma réponse' }).click();
  expect(await page.getByRole('status').innerText()).toContain('Votre réponse est enregistrée');
  await screenshot(page, 'suivi-apprenant-merci');
  expect(await seriousViolations(page, 'suivi-apprenant-merci')).toEqual([]);
  await context.close();
});
