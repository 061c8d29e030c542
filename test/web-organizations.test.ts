// /organisations and /courriels in real Chromium, for managers only: a
// manager creates an organisation with its first member, adds and removes
// members, issues a key for their own organisation (shown once) and revokes
// it, every change audited as the API audits it; and sees the emails that
// need a person with their journey. Without JavaScript too, with CSRF.
// axe-core checks every page.
import type { Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { dropDatabase, freshDatabase } from './support/databases';
import { startStack, type TestStack } from './support/stack';
import { waitFor } from './support/wait';
import { addMember, checkPage as check, MemberBrowser, type TestMember } from './support/web';

let stack: TestStack;
let browsing: MemberBrowser;
let manager: TestMember;
let databaseUrl: string;

beforeAll(async () => {
  // A database of its own: a manager sees every email to check, and other
  // files leave some (resent after a crash, refused) in the shared one.
  databaseUrl = await freshDatabase('organizations');
  stack = await startStack({ limits: { signInPerAddress: 100 }, databaseUrl });
  browsing = new MemberBrowser(stack, await launchChromium());
  manager = await addMember(stack, stack.orgs.manager, 'Nadia Gestion');
});

afterAll(async () => {
  await browsing?.close();
  await stack?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

const memberPage = (member: TestMember, javaScriptEnabled = true) =>
  browsing.signedIn(member, javaScriptEnabled);
const tag = () => Math.random().toString(16).slice(2, 8);

async function rowTexts(page: Page, caption: string): Promise<string[]> {
  return (await page.locator('table', { hasText: caption }).locator('tbody tr').allInnerTexts()).map((t) =>
    t.replace(/\s+/g, ' ').trim(),
  );
}

test('a manager sees the emails refused for good, with the journey they belong to', async () => {
  const page = await memberPage(manager);
  // The SMTP server refuses the next email for good: the first of a referral's.
  stack.inbox.rejectNext(1, 550);
  const journey = await stack.refer();
  const refused = await waitFor('an email refused', () =>
    stack.db.notification.findFirst({ where: { journeyId: journey.id, status: 'refused' } }),
  );
  await page.getByRole('link', { name: 'Courriels à vérifier' }).click();
  await page.waitForURL('**/courriels');
  const rows = await rowTexts(page, 'Courriels à vérifier');
  const name = `${journey.learner.firstName} ${journey.learner.lastName}`;
  const mine = rows.find((r) => r.includes(name));
  expect(mine).toContain('REFUSÉ PAR LE SERVEUR DE MESSAGERIE');
  expect(mine).toContain(
    refused.template.startsWith('referral-new') ? 'Nouvelle orientation' : 'Orientation reçue',
  );
  expect(mine).toContain(stack.orgs.fabrique.name);
  expect(await page.locator('dl').innerText()).toContain('Refusé par le serveur de messagerie : 1');
  await check(page, 'courriels');
  // The journey is a click away; the filter is a GET form.
  await page.getByLabel('Raison').selectOption('resent');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  expect(new URL(page.url()).search).toBe('?status=resent');
  expect(await page.locator('main').innerText()).toContain('Aucun courriel à vérifier pour cette raison.');
  await page.goto('/courriels?status=refused');
  await page.getByRole('link', { name }).click();
  await page.waitForURL(`**/parcours/${journey.id}`);
  // A reason that does not exist is said, and everything is shown.
  await page.goto('/courriels?status=nimporte');
  expect(await page.getByRole('alert').innerText()).toContain('Ce filtre n’existe pas');
  expect((await rowTexts(page, 'Courriels à vérifier')).some((r) => r.includes(name))).toBe(true);
});

test('a manager creates an organisation with its first member; a refused form keeps its inputs and creates nothing', async () => {
  const page = await memberPage(manager);
  await page.getByRole('link', { name: 'Organisations' }).click();
  await page.waitForURL('**/organisations');
  expect(await rowTexts(page, 'Organisations')).toContainEqual(
    expect.stringContaining(`${stack.orgs.fabrique.name} Fabrique Île-de-France 0 1`),
  );
  await check(page, 'organisations');

  const name = `Mission Locale de Test ${tag()}`;
  const before = await stack.db.organization.count();
  await page.getByLabel('Type d’organisation').selectOption({ label: 'Prescripteur' });
  await page.getByLabel('Nom de l’organisation').fill(name);
  await page.getByLabel('Adresse électronique de l’organisation').fill('pas-une-adresse');
  await page.getByLabel('Adresse électronique du premier membre').fill(manager.email);
  await page.getByRole('button', { name: 'Créer l’organisation' }).click();
  const errors = await page.locator('#erreurs').innerText();
  expect(errors).toContain(
    'Adresse électronique de l’organisation : Saisissez une adresse électronique valide',
  );
  expect(errors).toContain('Nom et prénom du premier membre : Ce champ est obligatoire.');
  expect(errors).toContain(
    'Adresse électronique du premier membre : Cette adresse est déjà celle d’un membre d’une organisation.',
  );
  expect(await page.getByLabel('Nom de l’organisation').inputValue()).toBe(name);
  await check(page, 'organisations-erreurs');
  expect(await stack.db.organization.count()).toBe(before);

  const first = `first-${tag()}@members.test`;
  await page.getByLabel('Adresse électronique de l’organisation').fill(`contact-${tag()}@orgs.test`);
  await page.getByLabel('Type de prescripteur').selectOption({ label: 'Mission Locale' });
  await page.getByLabel('Région').fill('Occitanie');
  await page.getByLabel('Nom et prénom du premier membre').fill('Léa Première');
  await page.getByLabel('Adresse électronique du premier membre').fill(first);
  await page.getByRole('button', { name: 'Créer l’organisation' }).click();
  await page.waitForURL(/\/organisations\/[0-9a-f-]{36}\?fait=creee$/);
  const orgId = new URL(page.url()).pathname.split('/')[2] as string;
  expect(await page.getByRole('status').innerText()).toContain(
    'L’organisation est créée, avec son premier membre',
  );
  expect(await page.locator('h1').innerText()).toBe(name);
  expect(await rowTexts(page, 'Membres')).toEqual([expect.stringContaining(`Léa Première ${first}`)]);
  // Created by a manager in the web app: no key, since a manager may not act as another organisation.
  expect(await page.locator('main').innerText()).toContain('Aucune clé.');
  expect(await page.getByRole('button', { name: 'Créer une clé d’API' }).count()).toBe(0);
  const journal = await rowTexts(page, 'Journal des modifications');
  expect(journal).toContainEqual(expect.stringContaining('Membre ajouté : Léa Première Nadia Gestion'));
  expect(journal).toContainEqual(expect.stringContaining('Organisation créée Nadia Gestion'));
  await check(page, 'organisation');
  const org = await stack.db.organization.findUniqueOrThrow({ where: { id: orgId } });
  expect(org).toMatchObject({ type: 'agency', name, region: 'Occitanie', agencyKind: 'mission_locale' });
  const audit = await stack.db.auditEntry.findMany({ where: { targetId: orgId }, orderBy: { at: 'asc' } });
  expect(
    audit.map((a) => [a.action, a.actorType, a.actorId, (a.details as { byMemberId?: string }).byMemberId]),
  ).toEqual([
    ['organization.create', 'manager', stack.orgs.manager.id, manager.id],
    ['member.add', 'manager', stack.orgs.manager.id, manager.id],
  ]);
  // The first member signs in to the new organisation.
  await memberPage({ id: '', email: first, name: 'Léa Première' });
  // The API's rule is unchanged: a manager's key still cannot create an organisation.
  const byKey = await stack.request('POST', '/v1/organizations', stack.orgs.manager.key, {
    type: 'agency',
    name: 'Par la clé',
    email: 'cle@orgs.test',
  });
  expect(byKey.status).toBe(403);
});

test('with JavaScript off, a manager adds a member and removes one after confirming; both audited and told', async () => {
  const page = await memberPage(manager, false);
  const orgId = stack.orgs.fabrique2.id;
  await page.goto(`/organisations/${orgId}`);
  const email = `added-${tag()}@members.test`;
  await page.getByLabel('Nom et prénom').fill('Sam Ajout');
  await page.locator('#email').fill(email);
  await page.getByRole('button', { name: 'Ajouter le membre' }).click();
  await page.waitForURL(`**/organisations/${orgId}?fait=membre`);
  expect(await rowTexts(page, 'Membres')).toContainEqual(expect.stringContaining(`Sam Ajout ${email}`));
  await stack.inbox.waitForTemplate('member-added', stack.orgs.fabrique2.email);
  // The same address again is refused on the form.
  await page.getByLabel('Nom et prénom').fill('Sam Encore');
  await page.locator('#email').fill(email);
  await page.getByRole('button', { name: 'Ajouter le membre' }).click();
  expect(await page.locator('#erreurs').innerText()).toContain('cette adresse est déjà celle d’un membre');

  const sam = await stack.db.member.findFirstOrThrow({ where: { email, removedAt: null } });
  const samPage = await memberPage({ id: sam.id, email, name: 'Sam Ajout' });
  await page.goto(`/organisations/${orgId}`);
  await page.getByRole('link', { name: 'Retirer Sam Ajout' }).click();
  expect(await page.locator('h1').innerText()).toBe(`Retirer Sam Ajout de ${stack.orgs.fabrique2.name}`);
  await page.getByRole('button', { name: 'Retirer ce membre' }).click();
  await page.waitForURL(`**/organisations/${orgId}?fait=retire`);
  expect(await rowTexts(page, 'Membres')).not.toContainEqual(expect.stringContaining(email));
  expect((await stack.db.member.findUniqueOrThrow({ where: { id: sam.id } })).removedAt).not.toBeNull();
  // Their session ends at once.
  await samPage.goto('/parcours');
  expect(new URL(samPage.url()).pathname).toBe('/connexion');
  const actions = await stack.db.auditEntry.findMany({ where: { targetId: orgId }, orderBy: { at: 'asc' } });
  expect(actions.map((a) => [a.action, (a.details as { memberId: string }).memberId])).toEqual(
    expect.arrayContaining([
      ['member.add', sam.id],
      ['member.remove', sam.id],
    ]),
  );
});

test('a manager issues a key for their own organisation, shown once, and revokes it; not for another organisation', async () => {
  const page = await memberPage(manager);
  const own = stack.orgs.manager.id;
  await page.goto(`/organisations/${own}`);
  await page.getByRole('button', { name: 'Créer une clé d’API' }).click();
  const apiKey = await page.locator('#cle-api').innerText();
  expect(apiKey).toMatch(/^pk_[0-9a-f]{16}_/);
  await check(page, 'organisation-nouvelle-cle');
  const keyId = apiKey.split('_')[1] as string;
  expect((await stack.request('GET', '/v1/organizations', apiKey)).status).toBe(200);
  // Shown once: the page does not show it again.
  await page.goto(`/organisations/${own}`);
  expect(await page.locator('main').innerText()).not.toContain(apiKey);
  expect(await rowTexts(page, 'Clés d’API')).toContainEqual(expect.stringContaining(`${keyId}`));

  await page.getByRole('link', { name: `Révoquer la clé ${keyId}` }).click();
  await check(page, 'organisation-revoquer-cle');
  await page.getByRole('button', { name: 'Révoquer cette clé' }).click();
  await page.waitForURL(`**/organisations/${own}?fait=revoquee`);
  expect(await rowTexts(page, 'Clés d’API')).toContainEqual(
    expect.stringMatching(new RegExp(`${keyId}.*RÉVOQUÉE LE`)),
  );
  expect((await stack.request('GET', '/v1/organizations', apiKey)).status).toBe(401);
  const audit = await stack.db.auditEntry.findMany({
    where: { targetId: own, action: { startsWith: 'api-key.' } },
    orderBy: { at: 'asc' },
  });
  expect(audit.map((a) => [a.action, a.details])).toEqual([
    ['api-key.issue', { keyId, byMemberId: manager.id }],
    ['api-key.revoke', { keyId, byMemberId: manager.id }],
  ]);

  // Another organisation's keys: revoke only. A forged post issues nothing.
  await page.goto(`/organisations/${stack.orgs.agency2.id}`);
  expect(await page.getByRole('button', { name: 'Créer une clé d’API' }).count()).toBe(0);
  const keys = await stack.db.apiKey.count({ where: { organizationId: stack.orgs.agency2.id } });
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const forged = await page.context().request.post(`/organisations/${stack.orgs.agency2.id}/cles`, {
    form: { _csrf: csrf },
  });
  expect([forged.status(), await forged.text()]).toEqual([404, expect.stringContaining('Page introuvable')]);
  expect(await stack.db.apiKey.count({ where: { organizationId: stack.orgs.agency2.id } })).toBe(keys);
});

test('every member looks after their own organisation on /mon-organisation: adds and removes members, issues a key and revokes it; nothing of another organisation', async () => {
  const karim = await addMember(stack, stack.orgs.fabrique2, 'Karim Fabrique');
  const org = stack.orgs.fabrique2;
  const page = await memberPage(karim);
  await page.getByRole('link', { name: 'Mon organisation' }).click();
  await page.waitForURL('**/mon-organisation');
  expect(await page.locator('h1').innerText()).toBe(org.name);
  expect(await page.getByRole('link', { name: 'Mon organisation' }).getAttribute('aria-current')).toBe(
    'page',
  );
  expect(await rowTexts(page, 'Membres')).toContainEqual(expect.stringContaining('Karim Fabrique (vous)'));
  await check(page, 'mon-organisation');

  // A member added by a colleague: told to the organisation's email.
  const email = `colleague-${tag()}@members.test`;
  await page.getByLabel('Nom et prénom').fill('Inès Collègue');
  await page.locator('#email').fill(email);
  await page.getByRole('button', { name: 'Ajouter le membre' }).click();
  await page.waitForURL('**/mon-organisation?fait=membre');
  expect(await rowTexts(page, 'Membres')).toContainEqual(expect.stringContaining(`Inès Collègue ${email}`));
  await stack.inbox.waitForTemplate('member-added', org.email);

  // A key for the organisation's software, shown once; it acts as the fabrique.
  await page.getByRole('button', { name: 'Créer une clé d’API' }).click();
  const apiKey = await page.locator('#cle-api').innerText();
  const keyId = apiKey.split('_')[1] as string;
  expect((await stack.request('GET', '/v1/journeys', apiKey)).status).toBe(200);
  expect((await stack.request('GET', '/v1/organizations', apiKey)).status).toBe(403);
  await page.goto('/mon-organisation');
  expect(await page.locator('main').innerText()).not.toContain(apiKey);
  await page.getByRole('link', { name: `Révoquer la clé ${keyId}` }).click();
  expect(await page.getByRole('navigation', { name: 'vous êtes ici :' }).innerText()).toContain(
    'Mon organisation',
  );
  await check(page, 'mon-organisation-revoquer-cle');
  await page.getByRole('button', { name: 'Révoquer cette clé' }).click();
  await page.waitForURL('**/mon-organisation?fait=revoquee');
  expect((await stack.request('GET', '/v1/journeys', apiKey)).status).toBe(401);

  // The colleague leaves; their sessions end.
  const ines = await stack.db.member.findFirstOrThrow({ where: { email, removedAt: null } });
  const inesPage = await memberPage({ id: ines.id, email, name: 'Inès Collègue' });
  await page.getByRole('link', { name: 'Retirer Inès Collègue' }).click();
  await page.getByRole('button', { name: 'Retirer ce membre' }).click();
  await page.waitForURL('**/mon-organisation?fait=retire');
  expect(await rowTexts(page, 'Membres')).not.toContainEqual(expect.stringContaining(email));
  await inesPage.goto('/parcours');
  expect(new URL(inesPage.url()).pathname).toBe('/connexion');

  // Audited as the member who did it, as the API audits.
  const audit = await stack.db.auditEntry.findMany({
    where: { targetId: org.id, details: { path: ['byMemberId'], equals: karim.id } },
    orderBy: { at: 'asc' },
  });
  expect(
    audit.map((a) => [a.action, a.actorType, (a.details as { byMemberId?: string }).byMemberId]),
  ).toEqual([
    ['member.add', 'fabrique', karim.id],
    ['api-key.issue', 'fabrique', karim.id],
    ['api-key.revoke', 'fabrique', karim.id],
    ['member.remove', 'fabrique', karim.id],
  ]);

  // Another organisation's member or key, forged into the paths: not found, nothing changes.
  const other = await addMember(stack, stack.orgs.agency2, 'Autre Organisation');
  const otherKey = await stack.db.apiKey.findFirstOrThrow({
    where: { organizationId: stack.orgs.agency2.id, revokedAt: null },
  });
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  for (const path of [
    `/mon-organisation/membres/${other.id}/retirer`,
    `/mon-organisation/cles/${otherKey.id}/revoquer`,
  ]) {
    expect([path, (await page.goto(path))?.status()]).toEqual([path, 404]);
    const forged = await page.context().request.post(path, { form: { _csrf: csrf }, maxRedirects: 0 });
    expect([path, forged.status()]).toEqual([path, 404]);
  }
  expect((await stack.db.member.findUniqueOrThrow({ where: { id: other.id } })).removedAt).toBeNull();
  expect((await stack.db.apiKey.findUniqueOrThrow({ where: { id: otherKey.id } })).revokedAt).toBeNull();
});

test('with JavaScript off, an agency member issues a key on /mon-organisation', async () => {
  const claire = await addMember(stack, stack.orgs.agency2, 'Claire Agence');
  const page = await memberPage(claire, false);
  await page.goto('/mon-organisation');
  expect(await page.locator('h1').innerText()).toBe(stack.orgs.agency2.name);
  await page.getByRole('button', { name: 'Créer une clé d’API' }).click();
  const apiKey = await page.locator('#cle-api').innerText();
  expect(apiKey).toMatch(/^pk_[0-9a-f]{16}_/);
  expect((await stack.request('GET', '/v1/journeys', apiKey)).status).toBe(200);
  const issued = await stack.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.split('_')[1] as string } });
  expect(issued.organizationId).toBe(stack.orgs.agency2.id);
});

test('only managers open /organisations and /courriels; a post without its CSRF token changes nothing', async () => {
  const agent = await addMember(stack, stack.orgs.agency, 'Claire Agence');
  const fabriqueMember = await addMember(stack, stack.orgs.fabrique, 'Karim Fabrique');
  for (const member of [agent, fabriqueMember]) {
    const page = await memberPage(member);
    expect(await page.getByRole('link', { name: 'Organisations' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Courriels à vérifier' }).count()).toBe(0);
    for (const path of ['/organisations', `/organisations/${stack.orgs.agency.id}`, '/courriels']) {
      const res = await page.goto(path);
      expect([path, res?.status(), await page.locator('h1').innerText()]).toEqual([
        path,
        404,
        'Page introuvable',
      ]);
    }
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const res = await page.context().request.post('/organisations', {
      form: {
        _csrf: csrf,
        type: 'agency',
        name: 'Pirate',
        email: 'pirate@orgs.test',
        memberName: 'P',
        memberEmail: 'p@members.test',
      },
    });
    expect(res.status()).toBe(404);
  }
  const page = await memberPage(manager);
  const before = await stack.db.organization.count();
  for (const form of <Record<string, string>[]>[
    { type: 'agency', name: 'Sans jeton', email: 'sans@orgs.test' },
    { _csrf: 'forged', type: 'agency', name: 'Faux jeton', email: 'faux@orgs.test' },
  ]) {
    const res = await page.context().request.post('/organisations', { form, maxRedirects: 0 });
    expect([res.status(), await res.text()]).toEqual([403, expect.stringContaining('Formulaire expiré')]);
  }
  const members = await stack.db.member.count({
    where: { organizationId: stack.orgs.fabrique.id, removedAt: null },
  });
  const res = await page
    .context()
    .request.post(`/organisations/${stack.orgs.fabrique.id}/membres/${fabriqueMember.id}/retirer`, {
      form: {},
      maxRedirects: 0,
    });
  expect(res.status()).toBe(403);
  expect(
    await stack.db.member.count({ where: { organizationId: stack.orgs.fabrique.id, removedAt: null } }),
  ).toBe(members);
  expect(await stack.db.organization.count()).toBe(before);
  // Paths that name nothing are "Page introuvable".
  for (const path of [
    '/organisations/pas-un-id',
    `/organisations/${stack.orgs.agency.id}/cles/zzz/revoquer`,
  ]) {
    const r = await page.goto(path);
    expect([path, r?.status()]).toEqual([path, 404]);
  }
});
