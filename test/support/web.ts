// Steps of the web app's tests: members added through the API, and sign-in
// through the link of the email the real SMTP server received.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { newContext, screenshot, seriousViolations } from './browser';
import type { Org, TestStack } from './stack';

export interface TestMember {
  id: string;
  email: string;
  name: string;
}

export async function addMember(stack: TestStack, org: Org, name: string): Promise<TestMember> {
  const email = `member-${randomBytes(4).toString('hex')}@members.test`;
  const res = await stack.request('POST', `/v1/organizations/${org.id}/members`, stack.adminKey, {
    email,
    name,
  });
  if (res.status !== 201) throw new Error(`adding a member failed: ${res.status} ${res.text}`);
  return { id: res.body.id, email, name };
}

/** Asks for a link on /connexion and returns the link of the email, on the test server. */
export async function signInLink(stack: TestStack, page: Page, email: string): Promise<string> {
  const before = stack.inbox.messages.length;
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
  await page
    .getByText('un lien de connexion vient de lui être envoyé')
    .waitFor()
    .catch(async (err: unknown) => {
      // Say which page came instead (its title only: no one's personal data).
      throw new Error(`no sign-in confirmation; the page was "${await page.title()}" at ${page.url()}`, {
        cause: err,
      });
    });
  const mail = await stack.inbox.waitForTemplate('sign-in-link', email, before);
  const m = /http:\/\/parcours\.test(\/connexion\/[A-Za-z0-9_-]+)/.exec(mail.text);
  if (!m?.[1]) throw new Error('no sign-in link in the email');
  return `${stack.baseUrl}${m[1]}`;
}

/** Signs in as the member and lands on /parcours. */
export async function signIn(stack: TestStack, page: Page, email: string): Promise<void> {
  await page.goto(await signInLink(stack, page, email));
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL('**/parcours');
}

/** The members' browser windows of one test file: signed in, and closed together at the end. */
export class MemberBrowser {
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly stack: TestStack,
    readonly browser: Browser,
  ) {}

  /** A fresh window (its own cookies), with JavaScript on or off. */
  async window(javaScriptEnabled = true): Promise<Page> {
    const context = await newContext(this.browser, this.stack.baseUrl, { javaScriptEnabled });
    this.contexts.push(context);
    return context.newPage();
  }

  /** A fresh window signed in as the member, on /parcours. */
  async signedIn(member: TestMember, javaScriptEnabled = true): Promise<Page> {
    const page = await this.window(javaScriptEnabled);
    await signIn(this.stack, page, member.email);
    return page;
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close();
    await this.browser.close();
  }
}

/** Saves the page's screenshot and finds no serious or critical axe violation (pages with JavaScript). */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousViolations(page, name)).toEqual([]);
}
