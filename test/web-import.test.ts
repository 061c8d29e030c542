// /orienter/import in real Chromium: an agency's member downloads the
// template, uploads a file of good and bad rows, and gets a report row by
// row; the good rows are referred through the same path as the API (keyed by
// their content, so that the same file imported again refers nobody twice),
// the bad ones change nothing. A file that cannot be read (a workbook,
// another encoding, no header, a formula) is refused whole. Without
// JavaScript too, with CSRF, for agencies only. axe-core checks every page.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startStack, type TestStack } from './support/stack';
import { addMember, checkPage as check, MemberBrowser, type TestMember } from './support/web';

let stack: TestStack;
let browsing: MemberBrowser;
let agent: TestMember;

beforeAll(async () => {
  stack = await startStack({ limits: { signInPerAddress: 100 } });
  browsing = new MemberBrowser(stack, await launchChromium());
  agent = await addMember(stack, stack.orgs.agency, 'Claire Import');
});

afterAll(async () => {
  await browsing?.close();
  await stack?.stop();
});

const memberPage = (member: TestMember, javaScriptEnabled = true) =>
  browsing.signedIn(member, javaScriptEnabled);

type Learner = ReturnType<TestStack['learner']>;

/** A row of the template for this learner, with French labels as a counsellor would type them. */
function rowOf(headers: string[], l: Learner, over: Partial<Record<string, string>> = {}): string[] {
  const cells: Record<string, string> = {
    Prénom: l.firstName,
    Nom: l.lastName,
    'Adresse électronique': l.email,
    Téléphone: l.phone,
    'Date de naissance': '17/03/2004',
    Genre: 'Femme',
    'Code postal': '93200',
    'Réside dans un quartier prioritaire de la ville (QPV)': 'oui',
    'Niveau de diplôme': 'Sans diplôme',
    Fabrique: stack.orgs.fabrique.name,
    'Conseiller ou conseillère qui suit la personne': 'Claire Import',
    'Adresse électronique du conseiller ou de la conseillère': 'claire.import@orgs.test',
    ...over,
  };
  return headers.map((h) => cells[h] ?? '');
}

const journeysOfAgency = () => stack.db.journey.count({ where: { agencyId: stack.orgs.agency.id } });

/** Uploads a file on /orienter/import and returns the HTTP status of the page that answers. */
async function upload(page: Page, name: string, content: Buffer | string): Promise<number> {
  await page.goto('/orienter/import');
  await page.locator('#file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
  });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/orienter/import') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Importer', exact: true }).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

/** The template's header row, as the page offers it. */
async function templateHeaders(page: Page): Promise<string[]> {
  const res = await page.context().request.get('/orienter/import/modele.csv');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers()['content-disposition']).toContain('modele-orientations.csv');
  const body = await res.body();
  expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = parse(body, { bom: true, delimiter: ';' }) as string[][];
  expect(rows).toHaveLength(1);
  return rows[0] as string[];
}

test('an agency member imports a file of good and bad rows; the same file again refers nobody twice', async () => {
  const page = await memberPage(agent);
  await page.goto('/parcours');
  await page.getByRole('link', { name: 'Importer un fichier' }).click();
  await page.waitForURL('**/orienter/import');
  await check(page, 'import');
  const headers = await templateHeaders(page);
  expect(headers).toEqual([
    'Prénom',
    'Nom',
    'Adresse électronique',
    'Téléphone',
    'Date de naissance',
    'Genre',
    'Code postal',
    'Réside dans un quartier prioritaire de la ville (QPV)',
    'Niveau de diplôme',
    'Fabrique',
    'Conseiller ou conseillère qui suit la personne',
    'Adresse électronique du conseiller ou de la conseillère',
    'Intitulé de la formation',
    'Note',
  ]);

  const [a, b, c, d, e] = [
    stack.learner(),
    stack.learner(),
    stack.learner(),
    stack.learner(),
    stack.learner(),
  ];
  const { fabrique, fabrique2 } = stack.orgs;
  const row = (l: Learner, over: Partial<Record<string, string>> = {}) => rowOf(headers, l, over);
  const file = stringify(
    [
      headers,
      row(a),
      // Codes as the API writes them, a fabrique by id, a note with the separator and a line break.
      row(b, {
        'Date de naissance': '2003-01-02',
        Genre: 'male',
        'Réside dans un quartier prioritaire de la ville (QPV)': 'false',
        'Niveau de diplôme': 'bac',
        Fabrique: fabrique2.id,
        Note: 'Motivé ; disponible\nà partir de lundi',
      }),
      // What a spreadsheet does to a postal code of the Ain: 01000 becomes 1000.
      row(c, { 'Code postal': '1000', 'Niveau de diplôme': 'CAP / BEP' }),
      row(d, {
        'Adresse électronique': 'pas-une-adresse',
        'Date de naissance': '31/02/2004',
        Genre: 'F',
      }),
      row(e, {
        Nom: '',
        'Réside dans un quartier prioritaire de la ville (QPV)': 'peut-être',
        Fabrique: 'Fabrique inconnue',
      }),
      row(a),
    ],
    { delimiter: ';', bom: true },
  );
  const before = await journeysOfAgency();

  expect(await upload(page, 'orientations.csv', file)).toBe(200);
  const summary = await page.locator('#rapport').innerText();
  expect(summary).toContain('Import terminé, avec des lignes à reprendre');
  expect(summary).toContain('orientations.csv : 6 lignes lues.');
  expect(summary).toContain('3 personnes orientées');
  expect(summary).toContain('1 ligne en double dans le fichier');
  expect(summary).toContain('2 lignes à corriger');
  const toFix = await page.locator('table', { hasText: 'Lignes à corriger' }).innerText();
  const lineOf = (text: string, line: number) =>
    text.split('\n').find((l) => l.startsWith(`${line}\t`)) ?? '';
  expect(lineOf(toFix, 5)).toContain(`${d.firstName} ${d.lastName}`);
  expect(toFix).toContain(
    'Adresse électronique : « pas-une-adresse » : saisissez une adresse électronique valide',
  );
  expect(toFix).toContain(
    'Date de naissance : « 31/02/2004 » : indiquez une date JJ/MM/AAAA (ou AAAA-MM-JJ), de 1900 à 2199.',
  );
  expect(toFix).toContain(
    'Genre : « F » n’est pas une valeur acceptée ; valeurs possibles : Femme, Homme, Autre, Non communiqué.',
  );
  expect(lineOf(toFix, 6)).toContain(e.firstName);
  expect(toFix).toContain('Nom : cette cellule est obligatoire.');
  expect(toFix).toContain(
    'Réside dans un quartier prioritaire de la ville (QPV) : « peut-être » : indiquez oui ou non.',
  );
  expect(toFix).toContain(
    'Fabrique : aucune fabrique ne s’appelle « Fabrique inconnue » (voir la liste des fabriques).',
  );
  const referred = page.locator('table', { hasText: 'Personnes orientées' });
  const cells = async (line: number) =>
    (
      await referred
        .locator('tbody tr')
        .filter({ has: page.getByRole('cell', { name: String(line), exact: true }) })
        .allInnerTexts()
    )
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  expect(await cells(2)).toBe(`2 ${a.firstName} ${a.lastName} ${fabrique.name} ORIENTÉE`);
  expect(await cells(3)).toBe(`3 ${b.firstName} ${b.lastName} ${fabrique2.name} ORIENTÉE`);
  expect(await cells(7)).toBe(`7 ${a.firstName} ${a.lastName} ${fabrique.name} DOUBLON DE LA LIGNE 2`);
  await check(page, 'import-rapport');

  // The good rows are referred, as the API would have: the learner as written, the journey keyed by its content.
  expect(await journeysOfAgency()).toBe(before + 3);
  const journeys = await stack.db.journey.findMany({
    where: { agencyId: stack.orgs.agency.id, idempotencyKey: { startsWith: 'csv-' } },
    include: { learner: true },
  });
  const byEmail = new Map(journeys.map((j) => [j.learner.email, j]));
  expect(byEmail.get(b.email)?.note).toBe('Motivé ; disponible\nà partir de lundi');
  expect(byEmail.get(b.email)?.fabriqueId).toBe(fabrique2.id);
  expect(byEmail.get(b.email)?.learner).toMatchObject({
    gender: 'male',
    qpvResident: false,
    diplomaLevel: 'bac',
  });
  expect(byEmail.get(c.email)?.learner).toMatchObject({ postalCode: '01000', diplomaLevel: 'cap_bep' });
  expect(byEmail.get(a.email)?.learner.birthDate?.toISOString().slice(0, 10)).toBe('2004-03-17');
  expect(byEmail.has(d.email) || byEmail.has(e.email)).toBe(false);
  // Each journey's page is a click away, and the fabrique is told.
  const journeyA = byEmail.get(a.email)?.id as string;
  await stack.inbox.waitFor(journeyA, 'referral-new.fabrique');
  const timeline = await stack.db.timelineEntry.findFirst({ where: { journeyId: journeyA } });
  expect(timeline).toMatchObject({ actorType: 'agency', actorMemberId: agent.id });

  // The same file again, with JavaScript off: nobody is referred twice.
  const noJs = await memberPage(agent, false);
  expect(await upload(noJs, 'orientations.csv', file)).toBe(200);
  const again = await noJs.locator('#rapport').innerText();
  expect(again).toContain('0 personne orientée');
  expect(again).toContain('3 déjà orientées par un import précédent');
  expect(await noJs.locator('table', { hasText: 'Personnes orientées' }).innerText()).toContain(
    'DÉJÀ ORIENTÉE',
  );
  expect(await journeysOfAgency()).toBe(before + 3);
  // The same rows written another way (codes instead of labels, ISO dates, a comma) are the same referrals.
  const rewritten = stringify(
    [
      headers,
      row(a, {
        'Date de naissance': '2004-03-17',
        Genre: 'female',
        'Réside dans un quartier prioritaire de la ville (QPV)': 'true',
      }),
    ],
    { delimiter: ',' },
  );
  expect(await upload(noJs, 'autre.csv', rewritten)).toBe(200);
  expect(await noJs.locator('#rapport').innerText()).toContain('1 déjà orientée par un import précédent');
  expect(await journeysOfAgency()).toBe(before + 3);
});

test('a file that cannot be read is refused whole, says why, and changes nothing', async () => {
  const page = await memberPage(agent);
  const headers = await templateHeaders(page);
  const l = stack.learner();
  const good = rowOf(headers, l);
  const before = await journeysOfAgency();
  const refused = async (name: string, content: Buffer | string, expected: string[], shot?: string) => {
    expect(await upload(page, name, content)).toBe(422);
    // French writes 1 000 with a narrow no-break space.
    const text = (await page.locator('#rapport').innerText()).replace(/\u202f/g, ' ');
    expect(text).toContain('Le fichier n’a pas été importé : personne n’a été orienté');
    for (const e of expected) expect(text).toContain(e);
    if (shot) await check(page, shot);
    expect(await journeysOfAgency()).toBe(before);
  };

  // A formula in a cell, even with good rows around it.
  const formula = stringify(
    [
      headers,
      good,
      [...good.slice(0, 13), '=HYPERLINK("http://example.org","Cliquez")'],
      [...good.slice(0, 3), '@SUM(A1:A2)', ...good.slice(4)],
    ],
    { delimiter: ';' },
  );
  await refused(
    'formule.csv',
    formula,
    [
      '2 cellules commencent par =, +, - ou @ suivi de texte',
      'Ligne 3, colonne « Note » : « =HYPERLINK("http://example.org","Cliquez… »',
      'Ligne 4, colonne « Téléphone » : « @SUM(A1:A2) »',
    ],
    'import-refus-formule',
  );
  // A workbook saved as is.
  await refused('orientations.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), [
    'Ce fichier est un classeur (Excel .xlsx ou LibreOffice .ods), pas un fichier CSV.',
    '« CSV UTF-8 (délimité par des virgules) »',
  ]);
  // Windows-1252, as Excel writes "CSV (séparateur : point-virgule)".
  await refused('windows.csv', Buffer.from(stringify([headers, good], { delimiter: ';' }), 'latin1'), [
    'Ce fichier n’est pas encodé en UTF-8 (premier caractère illisible à la ligne 1)',
  ]);
  // Binary data.
  await refused('image.csv', Buffer.from([0x47, 0x49, 0x46, 0x38, 0x00, 0x01, 0x02]), [
    'Ce fichier n’est pas un fichier texte : il contient des données binaires.',
  ]);
  // No header: the first row is already a learner.
  await refused('sans-entete.csv', stringify([good], { delimiter: ';' }), [
    'La première ligne du fichier doit nommer les colonnes',
  ]);
  // Columns renamed or missing.
  await refused(
    'colonnes.csv',
    stringify(
      [
        ['Prénom', 'Nom', 'Courriel'],
        [l.firstName, l.lastName, l.email],
      ],
      { delimiter: ';' },
    ),
    [
      'Cette colonne n’est pas attendue',
      '« Courriel »',
      'Des colonnes obligatoires manquent',
      '« Date de naissance »',
    ],
  );
  // A quote left open.
  await refused('guillemet.csv', `${headers.join(';')}\n"${l.firstName};${l.lastName}\n`, [
    'Le fichier est mal formé à partir de la ligne 2 : un guillemet (") ouvert n’est jamais refermé.',
  ]);
  // More than 1,000 rows.
  await refused(
    'trop-long.csv',
    stringify([headers, ...Array.from({ length: 1001 }, () => good)], { delimiter: ';' }),
    ['Le fichier compte 1 001 lignes de données ; 1 000 au plus par import.'],
  );
  // Over 1 MB: the upload is stopped.
  expect(await upload(page, 'gros.csv', Buffer.alloc(1024 * 1024 + 1, 'a'))).toBe(413);
  expect(await page.locator('#file-erreur').innerText()).toContain('Le fichier dépasse 1 Mo');
  // No file chosen.
  await page.goto('/orienter/import');
  await page.getByRole('button', { name: 'Importer', exact: true }).click();
  expect(await page.locator('#file-erreur').innerText()).toBe('Choisissez un fichier CSV à importer.');
  await check(page, 'import-sans-fichier');
  expect(await journeysOfAgency()).toBe(before);
});

test('an upload without its CSRF token is refused and refers nobody; only agencies see the import', async () => {
  const page = await memberPage(agent);
  const headers = await templateHeaders(page);
  const l = stack.learner();
  const file = stringify([headers, rowOf(headers, l)], { delimiter: ';' });
  const before = await journeysOfAgency();
  for (const csrf of [undefined, 'forged-token']) {
    const res = await page.context().request.post('/orienter/import', {
      multipart: {
        ...(csrf ? { _csrf: csrf } : {}),
        file: { name: 'a.csv', mimeType: 'text/csv', buffer: Buffer.from(file) },
      },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('Formulaire expiré');
  }
  expect(await journeysOfAgency()).toBe(before);

  const fabriqueMember = await addMember(stack, stack.orgs.fabrique, 'Karim Fabrique');
  const manager = await addMember(stack, stack.orgs.manager, 'Nadia Gestion');
  for (const member of [fabriqueMember, manager]) {
    const other = await memberPage(member);
    expect(await other.getByRole('link', { name: 'Importer un fichier' }).count()).toBe(0);
    for (const path of ['/orienter/import', '/orienter/import/modele.csv']) {
      const res = await other.goto(path);
      expect([res?.status(), await other.locator('h1').innerText()]).toEqual([404, 'Page introuvable']);
    }
  }
  // Signed out: to /connexion.
  const anonymous = await browsing.window();
  await anonymous.goto('/orienter/import');
  expect(new URL(anonymous.url()).pathname).toBe('/connexion');
});
