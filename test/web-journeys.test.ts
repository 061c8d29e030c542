// A journey through the web app, in real Chromium: an agency's member refers
// a learner on /orienter, a fabrique's member moves the journey on through
// the action forms, refusals show on the form and change nothing, another
// organisation sees nothing, a post without its CSRF token is refused, and
// all of it works with JavaScript off. axe-core checks every page.
import type { Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startStack, today, type TestStack } from './support/stack';
import { addMember, checkPage, MemberBrowser, type TestMember } from './support/web';

let stack: TestStack;
let browsing: MemberBrowser;
let agent: TestMember;
let admissions: TestMember;
let elsewhere: TestMember;

beforeAll(async () => {
  // The same members sign in for every test here, more often than one person would.
  stack = await startStack({ limits: { signInPerAddress: 100 } });
  browsing = new MemberBrowser(stack, await launchChromium());
  agent = await addMember(stack, stack.orgs.agency, 'Claire Conseil');
  admissions = await addMember(stack, stack.orgs.fabrique, 'Karim Admissions');
  elsewhere = await addMember(stack, stack.orgs.fabrique2, 'Lou Ailleurs');
});

afterAll(async () => {
  await browsing?.close();
  await stack?.stop();
});

const memberPage = (member: TestMember, javaScriptEnabled = true) =>
  browsing.signedIn(member, javaScriptEnabled);
const check = checkPage;

async function status(journeyId: string): Promise<string> {
  return (await stack.journey(journeyId)).status as string;
}

/** Refers a learner through /orienter; returns the journey id and the learner's names. */
async function referThroughForm(page: Page, shots = false) {
  const learner = stack.learner();
  await page.goto('/orienter');
  if (shots) await check(page, 'orienter');
  await page.getByLabel('Prénom').fill(learner.firstName);
  await page.getByLabel('Nom', { exact: true }).fill(learner.lastName);
  await page.getByLabel('Adresse électronique', { exact: true }).fill(learner.email);
  await page.getByLabel('Téléphone').fill(learner.phone);
  await page.getByLabel('Date de naissance').fill(learner.birthDate);
  await page.getByLabel('Genre').selectOption({ label: 'Femme' });
  await page.getByLabel('Code postal').fill(learner.postalCode);
  await page.locator('label[for=qpvResident]').click();
  await page.getByLabel('Niveau de diplôme').selectOption({ label: 'Sans diplôme' });
  await page.getByLabel('Fabrique').selectOption({ label: stack.orgs.fabrique.name });
  await page.getByLabel('Conseiller ou conseillère qui suit la personne').fill('Claire Conseil');
  await page.getByLabel('Adresse électronique du conseiller').fill('claire.conseil@orgs.test');
  await page.getByRole('button', { name: 'Orienter' }).click();
  await page.waitForURL(/\/parcours\/[0-9a-f-]{36}\?oriente=1$/);
  const journeyId = new URL(page.url()).pathname.split('/')[2] as string;
  return { journeyId, learner };
}

async function act(page: Page, journeyId: string, label: string, fill: (p: Page) => Promise<void>) {
  await page.goto(`/parcours/${journeyId}`);
  await page.getByRole('link', { name: label, exact: true }).click();
  await fill(page);
  await page.getByRole('button', { name: 'Enregistrer' }).click();
}

test('an agency member refers a learner on /orienter; a missing field is refused on the form first', async () => {
  const page = await memberPage(agent);
  await page.goto('/orienter');
  await page.getByLabel('Prénom').fill('Sans-Nom');
  await page.getByRole('button', { name: 'Orienter' }).click();
  const summary = await page.locator('#erreurs').innerText();
  expect(summary).toContain('Nom : Ce champ est obligatoire.');
  expect(summary).toContain('Fabrique : Choisissez une réponse.');
  expect(await page.getByLabel('Prénom').inputValue()).toBe('Sans-Nom');
  await check(page, 'orienter-erreurs');
  const before = await stack.db.journey.count({ where: { agencyId: stack.orgs.agency.id } });

  const { journeyId, learner } = await referThroughForm(page, true);
  expect(await stack.db.journey.count({ where: { agencyId: stack.orgs.agency.id } })).toBe(before + 1);
  const heading = await page.locator('h1').innerText();
  expect(heading.includes(learner.firstName) && heading.includes(learner.lastName)).toBe(true);
  expect(await page.locator('main .fr-badge').first().innerText()).toBe('ORIENTÉ·E');
  expect(await status(journeyId)).toBe('referred');
  // The fabrique is told, with a link to the journey's page.
  const mail = await stack.inbox.waitFor(journeyId, 'referral-new.fabrique');
  expect(mail.text).toContain(`http://parcours.test/parcours/${journeyId}`);
  await check(page, 'parcours-orientation');
});

test('a fabrique member moves a journey from referral to follow-up through the forms', async () => {
  const { journeyId, learner } = await referThroughForm(await memberPage(agent));
  const page = await memberPage(admissions);

  await page.goto('/parcours');
  // The list's scroll box is a region named after its table, as on the journey's page.
  const row = page
    .getByRole('region', { name: 'Parcours' })
    .getByRole('row')
    .filter({ hasText: learner.lastName });
  expect(await row.count()).toBe(1);
  expect(await page.locator('.fr-tags-group').innerText()).toMatch(/Orienté·e : \d+/);
  await check(page, 'parcours-liste');
  await row.getByRole('link').click();
  await page.waitForURL(`**/parcours/${journeyId}`);
  await check(page, 'parcours-detail');

  await act(page, journeyId, 'Prendre à l’étude', async (p) => {
    await check(p, 'action-prendre-a-l-etude');
    await p.getByLabel('Date et heure de l’entretien').fill(`${today(3)}T10:30`);
  });
  expect(await page.getByRole('status').innerText()).toContain('« Prendre à l’étude » est enregistré.');
  expect(await status(journeyId)).toBe('in_review');

  // A duration out of bounds: the reason on the form, the input kept, nothing changed.
  await act(page, journeyId, 'Admettre', async (p) => {
    await p.getByLabel('Date d’entrée en formation').fill(today());
    await p.getByLabel('Durée de la formation (mois)').fill('30');
  });
  expect(await page.locator('#erreurs').innerText()).toContain('Saisissez un nombre entier de 3 à 24.');
  expect(await page.getByLabel('Durée de la formation (mois)').inputValue()).toBe('30');
  await check(page, 'action-admettre-refus');
  expect(await status(journeyId)).toBe('in_review');
  await page.getByLabel('Durée de la formation (mois)').fill('6');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(`**/parcours/${journeyId}?fait=admit`);
  expect(await status(journeyId)).toBe('admitted');

  // The engine refuses a start in the future, in the page's words.
  await act(page, journeyId, 'Confirmer l’entrée en formation', async (p) => {
    await p.getByLabel('Date d’entrée en formation').fill(today(2));
  });
  expect(await page.locator('#erreurs').innerText()).toContain(
    'Date d’entrée en formation : cette date ne peut pas être dans le futur.',
  );
  expect(await status(journeyId)).toBe('admitted');
  await page.getByLabel('Date d’entrée en formation').fill(today());
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(`**/parcours/${journeyId}?fait=confirm-start`);
  expect(await status(journeyId)).toBe('in_training');

  await act(page, journeyId, 'Enregistrer la fin de formation', async (p) => {
    await check(p, 'action-fin-de-formation');
    await p.getByLabel('Date', { exact: true }).fill(today());
    await p.locator('label[for=certified]').click();
  });
  expect(await status(journeyId)).toBe('follow_up');

  // The engine refuses an outcome for a milestone not yet due: its reason shows, nothing changes.
  await act(page, journeyId, 'Enregistrer un suivi', async (p) => {
    await p.getByLabel('Échéance du suivi').selectOption({ label: 'Suivi à 3 mois' });
    await p.getByLabel('Situation').selectOption({ label: 'CDI' });
  });
  const refused = await page.locator('#erreurs').innerText();
  expect(refused).toContain('Le formulaire n’a pas été enregistré');
  expect(refused).toMatch(/Échéance du suivi : le suivi à 3 mois n’est pas dû avant le \d+(er)? \S+ \d{4}\./);
  expect(await page.getByLabel('Situation').inputValue()).toBe('cdi');
  await check(page, 'action-suivi-refus');
  const journey = await stack.journey(journeyId);
  expect(journey.status).toBe('follow_up');
  expect(journey.followUps.map((f: { status: string }) => f.status)).not.toContain('answered');

  await page.goto(`/parcours/${journeyId}`);
  const history = await page.locator('table', { hasText: 'Historique' }).innerText();
  expect(history).toContain('Admettre');
  expect(history).toContain(`Karim Admissions (${stack.orgs.fabrique.name})`);
  expect(history).toContain(`Orientation\t—\tClaire Conseil (${stack.orgs.agency.name})`);
  const emails = await page.locator('table', { hasText: 'Courriels' }).innerText();
  expect(emails).toContain('Nouvelle orientation, à la fabrique');
  expect(emails).toContain(stack.orgs.fabrique.email);
  await check(page, 'parcours-detail-suivi');
});

test('on a narrow screen, a table wider than the page is named, and scrolls sideways from the keyboard', async () => {
  const { journeyId } = await referThroughForm(await memberPage(agent));
  const page = await memberPage(admissions);
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto(`/parcours/${journeyId}`);
  // The scroll container is a region named after its table, for screen readers.
  const history = page.getByRole('region', { name: 'Historique' });
  const box = () =>
    history.evaluate((el) => ({ scrollLeft: el.scrollLeft, overflow: el.scrollWidth - el.clientWidth }));
  expect((await box()).overflow).toBeGreaterThan(0);
  // Reached with Tab alone, then moved with the arrow keys: no mouse needed.
  let focused = false;
  for (let i = 0; i < 80 && !focused; i++) {
    await page.keyboard.press('Tab');
    focused = await history.evaluate((el) => el === el.ownerDocument.activeElement);
  }
  expect(focused).toBe(true);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  // Chromium scrolls smoothly: the position moves over a few frames.
  await page.waitForFunction(
    (el) => (el as { scrollLeft: number }).scrollLeft > 0,
    await history.elementHandle(),
    {
      timeout: 5000,
    },
  );
  expect((await box()).scrollLeft).toBeGreaterThan(0);
  await check(page, 'parcours-detail-ecran-etroit');
});

test("another organisation's journey is not found, and names nobody", async () => {
  const { journeyId, learner } = await referThroughForm(await memberPage(agent));
  const page = await memberPage(elsewhere);
  for (const path of [`/parcours/${journeyId}`, `/parcours/${journeyId}/actions/admit`]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(404);
    const text = await page.locator('body').innerText();
    expect(text.includes(learner.firstName) || text.includes(learner.lastName)).toBe(false);
  }
  await check(page, 'parcours-introuvable');
  // Paths of the app that name no page get the same French page.
  for (const path of ['/parcours/pas-un-parcours', `/parcours/${journeyId}/ailleurs`]) {
    const res = await page.goto(path);
    expect([res?.status(), await page.locator('h1').innerText()]).toEqual([404, 'Page introuvable']);
  }
  await page.goto('/parcours');
  expect((await page.locator('body').innerText()).includes(learner.lastName)).toBe(false);
});

test('a form posted without its CSRF token is refused and changes nothing', async () => {
  const { journeyId } = await referThroughForm(await memberPage(agent));
  const page = await memberPage(admissions);
  const res = await page.context().request.post(`/parcours/${journeyId}/actions/take-in-review`, {
    form: {},
    maxRedirects: 0,
  });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain('Formulaire expiré');
  const forged = await page.context().request.post(`/parcours/${journeyId}/actions/take-in-review`, {
    form: { _csrf: 'forged-token' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  expect(await status(journeyId)).toBe('referred');
  expect(await stack.db.timelineEntry.count({ where: { journeyId } })).toBe(1);
});

test('with JavaScript off, a member signs in, refers, acts and signs out', async () => {
  const agencyPage = await memberPage(agent, false);
  const { journeyId } = await referThroughForm(agencyPage);
  const page = await memberPage(admissions, false);
  await act(page, journeyId, 'Mettre en liste d’attente', async () => undefined);
  await page.waitForURL(`**/parcours/${journeyId}?fait=waitlist`);
  expect(await status(journeyId)).toBe('waitlisted');
  await act(page, journeyId, 'Refuser', async (p) => {
    await p.getByLabel('Motif').selectOption({ label: 'Session complète' });
  });
  expect(await page.locator('#erreurs').innerText()).toContain(
    'Communiquer le motif à la personne orientée : Choisissez une réponse.',
  );
  expect(await status(journeyId)).toBe('waitlisted');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForURL('**/connexion?deconnexion=ok');
  await page.goto(`/parcours/${journeyId}`);
  expect(new URL(page.url()).pathname).toBe('/connexion');
});

test('a manager filters the list with the GET form and transfers a referral to another fabrique', async () => {
  const manager = await addMember(stack, stack.orgs.manager, 'Nadia Pilote');
  const { journeyId, learner } = await referThroughForm(await memberPage(agent));
  const page = await memberPage(manager);
  await page.getByLabel('Statut', { exact: true }).selectOption({ label: 'Orienté·e' });
  await page.getByLabel('Fabrique').selectOption({ label: stack.orgs.fabrique.name });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  const url = new URL(page.url());
  expect([url.searchParams.get('status'), url.searchParams.get('fabriqueId')]).toEqual([
    'referred',
    stack.orgs.fabrique.id,
  ]);
  const statuses = await page.locator('tbody .fr-badge').allInnerTexts();
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(['ORIENTÉ·E']));
  expect((await page.locator('tbody').innerText()).includes(learner.lastName)).toBe(true);
  await check(page, 'parcours-liste-filtres');

  await act(page, journeyId, 'Transférer', async (p) => {
    await check(p, 'action-transferer');
    await p.getByLabel('Nouvelle fabrique').selectOption({ label: stack.orgs.fabrique2.name });
    await p.getByLabel('Motif').fill('Plus près du domicile');
  });
  await page.waitForURL(`**/parcours/${journeyId}?fait=transfer`);
  expect((await stack.journey(journeyId)).fabrique.id).toBe(stack.orgs.fabrique2.id);
});

test('a filter the API refuses is shown as an error, and the list still answers', async () => {
  const page = await memberPage(admissions);
  const res = await page.goto('/parcours?from=2026-13-45&status=nimporte');
  expect(res?.status()).toBe(200);
  const summary = await page.locator('#erreurs').innerText();
  expect(summary).toContain('Orienté·e à partir du');
  expect(summary).toContain('Statut');
  await check(page, 'parcours-liste-erreur');
});
