// What a security review found, each checked against the running stack: the
// powers of managers, the abuse limits, one-line fields, what the pages may
// load, and what another organisation's journey looks like.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createMailer } from '../mail/mailer';
import { loadConfig } from '../config/env';
import { FOLLOW_UP_SOON, liveFollowUpLinks } from './support/follow-up-links';
import { MAX_TIMES_PER_ACTION } from '../domain/transitions';
import { workflowIdFor } from '../workflows/messages';
import { startStack, today, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  // Behind one proxy (this loopback client), as the README's HTTPS set-up has it.
  stack = await startStack({
    policy: FOLLOW_UP_SOON,
    trustProxy: 'loopback',
    limits: { authFailures: 3, followUpFailures: 5, probesPerClient: 3 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const from = (address: string) => ({ 'x-forwarded-for': address });

/** express-rate-limit's standard headers of a refusal: the limit, nothing left, when it ends, and Retry-After. */
function expectRefusedWithHeaders(res: { status: number; headers: Headers }, limit: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(Number(res.headers.get('ratelimit-limit'))).toBe(limit);
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  const reset = Number(res.headers.get('ratelimit-reset'));
  expect(reset).toBeGreaterThan(0);
  expect(Number(res.headers.get('retry-after'))).toBe(reset);
}

describe('managers', () => {
  test('a manager cannot mint a key for a fabrique (403), and no key is issued', async () => {
    const { manager, fabrique } = stack.orgs;
    const before = await stack.db.apiKey.count({ where: { organizationId: fabrique.id } });
    const res = await stack.request('POST', `/v1/organizations/${fabrique.id}/api-keys`, manager.key);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/ADMIN_API_KEY/);
    expect(await stack.db.apiKey.count({ where: { organizationId: fabrique.id } })).toBe(before);
  });

  test('a manager still revokes any key, for incident response', async () => {
    const { manager, agency2 } = stack.orgs;
    const spare = await stack.request('POST', `/v1/organizations/${agency2.id}/api-keys`, stack.adminKey);
    expect(spare.status).toBe(201);
    const path = `/v1/organizations/${agency2.id}/api-keys/${spare.body.keyId}`;
    expect((await stack.request('DELETE', path, manager.key)).status).toBe(204);
    expect((await stack.request('GET', '/v1/journeys', spare.body.apiKey)).status).toBe(401);
  });
});

describe('abuse limits', () => {
  test('an address that failed authentication too often is refused even with a good key', async () => {
    const { agency } = stack.orgs;
    const guesser = '203.0.113.10';
    for (let i = 0; i < 3; i++) {
      const res = await stack.request(
        'GET',
        '/v1/journeys',
        `pk_${'0'.repeat(16)}_${'x'.repeat(32)}`,
        undefined,
        from(guesser),
      );
      expect(res.status).toBe(401);
    }
    const blocked = await stack.request('GET', '/v1/journeys', agency.key, undefined, from(guesser));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expectRefusedWithHeaders(blocked, 3);
    // Another address with the same key is not held back.
    expect(
      (await stack.request('GET', '/v1/journeys', agency.key, undefined, from('198.51.100.20'))).status,
    ).toBe(200);
  });

  test('a busy client that never fails is never limited', async () => {
    const { agency } = stack.orgs;
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        stack.request('GET', '/v1/journeys', agency.key, undefined, from('198.51.100.21')),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
  });

  test('unknown survey links from one address do not lock out learners elsewhere', async () => {
    const [link] = await liveFollowUpLinks(stack);
    const attacker = '203.0.113.11';
    for (let i = 0; i < 5; i++) {
      const bogus = `/v1/follow-ups/${randomBytes(32).toString('base64url')}`;
      expect((await stack.request('GET', bogus, undefined, undefined, from(attacker))).status).toBe(404);
    }
    const refused = await stack.request('GET', link as string, undefined, undefined, from(attacker));
    expect(refused.status).toBe(429);
    expectRefusedWithHeaders(refused, 5);
    // The learner, behind the same proxy but from their own address, opens the link as often as they like.
    for (let i = 0; i < 8; i++) {
      const res = await stack.request('GET', link as string, undefined, undefined, from('198.51.100.30'));
      expect(res.status).toBe(200);
    }
  });
});

test('the probes count per address: the fourth from one address is a 429, another address still gets its answer', async () => {
  const prober = '203.0.113.12';
  const remaining: (string | null)[] = [];
  for (const path of ['/healthz', '/readyz', '/healthz']) {
    const res = await stack.request('GET', path, undefined, undefined, from(prober));
    expect([path, res.status]).toEqual([path, 200]);
    remaining.push(res.headers.get('ratelimit-remaining'));
  }
  expect(remaining).toEqual(['2', '1', '0']);
  expectRefusedWithHeaders(await stack.request('GET', '/readyz', undefined, undefined, from(prober)), 3);
  expect((await stack.request('GET', '/readyz', undefined, undefined, from('198.51.100.31'))).status).toBe(
    200,
  );
});

describe('configuration', () => {
  test('a weak ADMIN_API_KEY is refused at start; 32 random bytes are accepted', () => {
    for (const weak of [
      'admin',
      'adm_secret-secret-secret',
      `adm_${randomBytes(24).toString('base64url')}`,
      'a'.repeat(64),
    ]) {
      expect(() => loadConfig({ ADMIN_API_KEY: weak })).toThrow(
        /ADMIN_API_KEY must hold at least 32 random bytes/,
      );
    }
    const strong = `adm_${randomBytes(32).toString('base64url')}`;
    expect(loadConfig({ ADMIN_API_KEY: strong }).adminApiKey).toBe(strong);
    expect(loadConfig({ ADMIN_API_KEY: randomBytes(32).toString('hex') }).adminApiKey).toBeDefined();
  });

  test('TRUST_PROXY takes false, true, a number of hops or addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });
});

test('the .eml copies are readable by their owner only', async () => {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'parcours-mail-')), 'mail');
  const mailer = createMailer({ mailDir: dir });
  try {
    await mailer.send({
      from: 'a@parcours.test',
      to: ['b@parcours.test'],
      subject: 'x',
      text: 'x',
      html: '<p>x</p>',
      messageId: '<perm@parcours>',
    });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const [file] = await readdir(dir);
    expect((await stat(path.join(dir, file as string))).mode & 0o777).toBe(0o600);
  } finally {
    mailer.close();
    await rm(path.dirname(dir), { recursive: true, force: true });
  }
});

describe('one-line fields', () => {
  test('a name with a line break is refused and nothing is created', async () => {
    const { agency, fabrique } = stack.orgs;
    const before = await stack.db.learner.count();
    for (const firstName of ['Awa\nObjet: faux', 'Awa\r\nBcc: x@y', 'Awa\u2028Diallo']) {
      const res = await stack.request('POST', '/v1/journeys', agency.key, {
        learner: stack.learner({ firstName }),
        fabriqueId: fabrique.id,
      });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { field: 'learner.firstName', message: 'a single line: no line breaks or control characters' },
      ]);
    }
    expect(await stack.db.learner.count()).toBe(before);
  });

  test('notes keep their line breaks', async () => {
    const journey = await stack.refer({ note: 'Première ligne\nDeuxième ligne' });
    expect(journey.note).toBe('Première ligne\nDeuxième ligne');
  });
});

describe('Content-Security-Policy', () => {
  test('API responses may load nothing and be framed nowhere', async () => {
    const res = await stack.request('GET', '/v1/journeys', stack.orgs.agency.key);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
  });

  test('the learner’s survey page runs no script and loads only this site’s stylesheets', async () => {
    const [link] = await liveFollowUpLinks(stack);
    const page = await stack.request('GET', link as string, undefined, undefined, from('198.51.100.31'));
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/unsafe-inline|https?:/);
  });

  test('the people’s pages load only this site’s own scripts, styles, images and fonts', async () => {
    const res = await fetch(`${stack.baseUrl}/connexion`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(res.status).toBe(200);
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|https?:/);
  });

  test('the API docs keep what Swagger UI needs, from this site only', async () => {
    const res = await fetch(`${stack.baseUrl}/docs/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(res.status).toBe(200);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });
});

describe('another organisation’s journey', () => {
  test('reads as an unknown one: 404, the same answer, no name', async () => {
    const journey = await stack.refer();
    const other = await stack.request('GET', `/v1/journeys/${journey.id}`, stack.orgs.agency2.key);
    const unknown = await stack.request(
      'GET',
      `/v1/journeys/00000000-0000-4000-8000-000000000000`,
      stack.orgs.agency2.key,
    );
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(other.text).not.toContain(journey.learner.lastName);
    expect(other.body.title).toBe(unknown.body.title);
  });

  test('an action on it is a 404 too, and changes nothing', async () => {
    const journey = await stack.refer();
    const res = await stack.act(journey.id, 'take-in-review', stack.orgs.fabrique2.key);
    expect(res.status).toBe(404);
    expect((await stack.journey(journey.id)).status).toBe('referred');
  });
});

describe('a journey no caller can block', () => {
  const training = async (s: TestStack) => {
    const { fabrique } = s.orgs;
    const j = await s.refer();
    await s.must(j.id, 'admit', fabrique.key, { startDate: today(-30), durationMonths: 6 });
    await s.must(j.id, 'confirm-start', fabrique.key, { startDate: today(-30) });
    return j.id as string;
  };

  test('a suspension cannot start before the last resume', async () => {
    const { fabrique } = stack.orgs;
    const id = await training(stack);
    await stack.must(id, 'suspend', fabrique.key, { reason: 'health', from: today(-10) });
    await stack.must(id, 'resume', fabrique.key, { date: today(-5) });
    const res = await stack.act(id, 'suspend', fabrique.key, { reason: 'health', from: today(-8) });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'from', message: expect.stringMatching(/last resume/) }]);
    expect((await stack.journey(id)).status).toBe('in_training');
  });

  test(`suspend and resume loop at most ${MAX_TIMES_PER_ACTION} times; the journey still completes and closes`, async () => {
    const { fabrique } = stack.orgs;
    const id = await training(stack);
    // What the review did, with the same dates each time, up to the bound.
    for (let i = 0; i < MAX_TIMES_PER_ACTION; i++) {
      await stack.must(id, 'suspend', fabrique.key, { reason: 'family', from: today(-2) });
      await stack.must(id, 'resume', fabrique.key, { date: today(-2) });
    }
    const more = await stack.act(id, 'suspend', fabrique.key, { reason: 'family', from: today(-2) });
    expect(more.status).toBe(409);
    expect(more.body.detail).toMatch(/already taken 20 times/);
    // Each round trip told the agency twice, and no more were sent for the refused one:
    // counted once everything the actions set off has run, so that a late email is here too.
    await stack.atRest(id, 60_000);
    const agencyEmails = stack.inbox.messages
      .filter((m) => m.journeyId === id && /^(suspended|resumed)\.agency$/.test(m.template))
      .map((m) => m.template);
    expect(agencyEmails).toHaveLength(2 * MAX_TIMES_PER_ACTION);
    // The journey still moves on to its end.
    await stack.must(id, 'record-completion', fabrique.key, { date: today(), certified: true });
    expect((await stack.journey(id)).status).toBe('follow_up');
    // Far from Temporal's limits (2,000 Updates, 50,000 events per run), which the review reached.
    const { events } = await stack.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
    const updates = (events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
    expect(updates).toBe(2 + 2 * MAX_TIMES_PER_ACTION + 1);
    expect(events?.length ?? 0).toBeLessThan(1_000);
    console.log(
      `the abusive journey: ${events?.length} history events, ${updates} Updates, ${agencyEmails.length} emails to the agency`,
    );
  });
});

describe('actions on one journey are rate limited, whoever sends them', () => {
  let limited: TestStack;
  beforeAll(async () => {
    limited = await startStack({ limits: { actionsPerJourney: 3 } });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  test('a fourth action within the window is a 429 with Retry-After and changes nothing', async () => {
    const { fabrique } = limited.orgs;
    const j = await limited.refer();
    await limited.must(j.id, 'take-in-review', fabrique.key);
    await limited.must(j.id, 'waitlist', fabrique.key);
    await limited.must(j.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 6 });
    const res = await limited.act(j.id, 'confirm-start', fabrique.key, { startDate: today() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expectRefusedWithHeaders(res, 3);
    expect((await limited.journey(j.id)).status).toBe('admitted');
    // Another journey is not held back.
    const other = await limited.refer();
    await limited.must(other.id, 'take-in-review', fabrique.key);
  });
});
