// The web app's sign-in, in real Chromium: the link comes from the real
// email, works once, and the sign-in form tells nobody whether an address
// belongs to a member. Sessions end at "Se déconnecter" and when the member
// is removed.
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newContext, screenshot, seriousViolations } from './support/browser';
import { startStack, type TestStack } from './support/stack';
import { addMember, signIn, signInLink } from './support/web';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ limits: { signInPerAddress: 3 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousViolations(page, name)).toEqual([]);
}

test('the home page says what Parcours is and leads to the sign-in form', async () => {
  const context = await newContext(browser, stack.baseUrl);
  const page = await context.newPage();
  await page.goto('/');
  expect(await page.locator('h1').textContent()).toBe('Parcours');
  await expectAccessible(page, 'accueil');
  await page.getByRole('main').getByRole('link', { name: 'Se connecter' }).click();
  await page.waitForURL('**/connexion');
  await expectAccessible(page, 'connexion');
  await context.close();
});

test('a member signs in through the link of the real email; the link works once', async () => {
  const member = await addMember(stack, stack.orgs.fabrique, 'Camille Fabrique');
  const context = await newContext(browser, stack.baseUrl);
  const page = await context.newPage();
  const link = await signInLink(stack, page, member.email);
  await page.goto(link);
  await expectAccessible(page, 'connexion-lien');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL('**/parcours');
  expect(await page.getByRole('banner').textContent()).toContain('Camille Fabrique');
  // The same link a second time signs nobody in.
  const other = await newContext(browser, stack.baseUrl);
  const second = await other.newPage();
  const res = await second.goto(link);
  expect(res?.status()).toBe(410);
  expect(await second.locator('h1').textContent()).toBe('Lien expiré');
  await expectAccessible(second, 'connexion-lien-expire');
  await other.close();
  await context.close();
});

test('an unknown address gets the same answer as a member, and no email', async () => {
  const member = await addMember(stack, stack.orgs.agency, 'Dominique Agence');
  const context = await newContext(browser, stack.baseUrl);
  const page = await context.newPage();
  const answer = async (email: string) => {
    await page.goto('/connexion');
    await page.getByLabel('Adresse électronique').fill(email);
    await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    return page.locator('main').innerText();
  };
  const before = stack.inbox.messages.length;
  const unknown = await answer('personne-inconnue@orgs.test');
  await expectAccessible(page, 'connexion-envoyee');
  const known = await answer(member.email);
  expect(unknown).toBe(known);
  await stack.inbox.waitForTemplate('sign-in-link', member.email);
  await new Promise((r) => setTimeout(r, 500));
  const sent = stack.inbox.messages.slice(before).filter((m) => m.template === 'sign-in-link');
  expect(sent.map((m) => m.to)).toEqual([[member.email]]);
  await context.close();
});

test('a malformed address is refused on the form, with an error summary', async () => {
  const context = await newContext(browser, stack.baseUrl);
  const page = await context.newPage();
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
  expect(await page.getByRole('alert').textContent()).toContain('Saisissez une adresse électronique valide');
  expect(await page.getByLabel('Adresse électronique').inputValue()).toBe('pas-une-adresse');
  await expectAccessible(page, 'connexion-erreur');
  await context.close();
});

// Four sign-in forms filled and sent, each a page load and a post: on a loaded two-core machine
// that outgrew the usual minute once (a full run beside two others), so it has two.
test('asking for links too often for one address is held back', async () => {
  const context = await newContext(browser, stack.baseUrl);
  const statuses: number[] = [];
  const page = await context.newPage();
  for (let i = 0; i < 4; i++) {
    await page.goto('/connexion');
    await page.getByLabel('Adresse électronique').fill('souvent@orgs.test');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click(),
    ]);
    statuses.push(response.status());
  }
  expect(statuses).toEqual([200, 200, 200, 429]);
  await context.close();
}, 120_000);

test('pages that need a session send to /connexion; "Se déconnecter" ends the session', async () => {
  const member = await addMember(stack, stack.orgs.manager, 'Alex Gestion');
  const context = await newContext(browser, stack.baseUrl);
  const page = await context.newPage();
  await page.goto('/parcours');
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await signIn(stack, page, member.email);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForURL('**/connexion?deconnexion=ok');
  expect(await page.getByRole('status').textContent()).toContain('Vous êtes déconnecté·e');
  await page.goto('/parcours');
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await context.close();
});

test('removing a member ends their sessions at once', async () => {
  const member = await addMember(stack, stack.orgs.agency2, 'Sacha Retiré');
  const context = await newContext(browser, stack.baseUrl);
  const page = await context.newPage();
  await signIn(stack, page, member.email);
  const res = await stack.request(
    'DELETE',
    `/v1/organizations/${stack.orgs.agency2.id}/members/${member.id}`,
    stack.orgs.manager.key,
  );
  expect(res.status).toBe(204);
  await page.goto('/parcours');
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await context.close();
});
