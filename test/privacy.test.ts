// The learner's rights over their personal data (RGPD), against the real
// stack: a manager exports everything held about a learner, or erases it; a
// closed journey erases it by itself once its retention period is over.
import { randomBytes, randomInt } from 'node:crypto';
import { erasePersonalData } from '../store/privacy';
import { stateQuery, workflowIdFor } from '../workflows/messages';
import { recordHistory } from './support/histories';
import { startStack, today, type TestStack } from './support/stack';

// Follow-ups fall due one and two seconds after the exit instead of 3 and 6 months.
const FAST_FOLLOW_UPS = { followUpOffsets: { '3m': 'PT1S', '6m': 'PT2S' } };

let stack: TestStack;
let retaining: TestStack;

beforeAll(async () => {
  [stack, retaining] = await Promise.all([
    startStack({ policy: FAST_FOLLOW_UPS }),
    startStack({ policy: { retentionAfterClose: 'PT3S' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), retaining?.stop()]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Each learner of this file is born on a day of its own, so that a birth date
// found in the database can only be theirs.
const firstBirthDay = Date.UTC(1975, 0, 1) + randomInt(0, 3000) * 86_400_000;
let births = 0;

/** A learner whose every personal value is unique, with free texts to find again. */
function person(s: TestStack) {
  const tag = randomBytes(4).toString('hex');
  const digits = String(randomInt(0, 100_000_000)).padStart(8, '0');
  const learner = s.learner({
    phone: `07 ${digits.match(/../g)?.join(' ')}`,
    birthDate: new Date(firstBirthDay + births++ * 41 * 86_400_000).toISOString().slice(0, 10),
    gender: 'male',
    qpvResident: false,
    diplomaLevel: 'cap_bep',
  });
  return {
    learner,
    note: `Note de la conseillere ${tag}`,
    reviewNote: `Entretien prevu avec sa mere ${tag}`,
    message: `Niveau a consolider ${tag}`,
    employer: `Boulangerie ${tag}`,
    jobTitle: `Vendeur ${tag}`,
    /** Every value that must disappear on erasure. */
    get values(): string[] {
      const { firstName, lastName, email, phone, birthDate } = this.learner;
      return [
        firstName,
        lastName,
        email,
        phone,
        birthDate,
        this.note,
        this.reviewNote,
        this.message,
        this.employer,
        this.jobTitle,
      ];
    },
  };
}
type Person = ReturnType<typeof person>;

const counsellor = () => ({
  name: 'Claire Conseillere',
  email: `claire-${randomBytes(3).toString('hex')}@ml.test`,
});

async function refer(s: TestStack, p: Person) {
  return s.refer({ learner: p.learner, note: p.note, referrer: counsellor() });
}

/** Waits until the journey's emails of the last event went out: no activity left running. */
async function settled(s: TestStack, journeyId: string, template: string): Promise<void> {
  await s.inbox.waitFor(journeyId, template);
  const handle = s.client.workflow.getHandle(workflowIdFor(journeyId));
  const deadline = Date.now() + 10_000;
  while ((await handle.describe()).raw.pendingActivities?.length) {
    if (Date.now() > deadline) throw new Error(`journey ${journeyId} still has activities running`);
    await sleep(100);
  }
}

/** Referred with a note, then in review with another note. */
async function inReview(s: TestStack, p: Person) {
  const j = await refer(s, p);
  await s.must(j.id, 'take-in-review', s.orgs.fabrique.key, { note: p.reviewNote });
  await settled(s, j.id, 'in-review.learner');
  return j;
}

/** Trained, left, both surveys sent; the fabrique records the 3-month outcome with the employer. */
async function inFollowUp(s: TestStack, p: Person) {
  const j = await inReview(s, p);
  const { fabrique } = s.orgs;
  await s.must(j.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 6 });
  await s.must(j.id, 'confirm-start', fabrique.key, { startDate: today() });
  await s.must(j.id, 'record-completion', fabrique.key, { date: today(), certified: true });
  const deadline = Date.now() + 20_000;
  while (s.inbox.of(j.id, 'follow-up-survey.learner').length < 2) {
    if (Date.now() > deadline) throw new Error('both surveys did not arrive');
    await sleep(100);
  }
  await s.must(j.id, 'record-follow-up', fabrique.key, {
    milestone: '3m',
    outcome: 'cdi',
    employer: p.employer,
    jobTitle: p.jobTitle,
  });
  await settled(s, j.id, 'follow-up-survey.learner');
  return j;
}

async function refused(s: TestStack, p: Person) {
  const j = await inReview(s, p);
  await s.must(j.id, 'refuse', s.orgs.fabrique.key, {
    reason: 'prerequisites_not_met',
    shareWithLearner: true,
    message: p.message,
  });
  await settled(s, j.id, 'refused.learner');
  return j;
}

/** Every row of every table of the database, as one lower-case text. */
async function everyTable(s: TestStack): Promise<string> {
  const tables = await s.db.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining(['Learner', 'Journey', 'TimelineEntry', 'ActionText', 'FollowUp', 'Notification']),
  );
  const dumps: string[] = [];
  for (const { name } of tables) {
    const rows = await s.db.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`);
    dumps.push(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  return dumps.join('\n').toLowerCase();
}

function found(dump: string, values: string[]): string[] {
  return values.filter((v) => dump.includes(v.toLowerCase()));
}

const erase = (s: TestStack, learnerId: string, key = s.orgs.manager.key) =>
  s.request('POST', `/v1/learners/${learnerId}/erase`, key);

test('a manager exports everything held about a learner as a JSON attachment, never the link hashes', async () => {
  const p = person(stack);
  const j = await inFollowUp(stack, p);
  const res = await stack.request('GET', `/v1/learners/${j.learner.id}/export`, stack.orgs.manager.key);

  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.headers.get('content-disposition')).toBe(`attachment; filename="learner-${j.learner.id}.json"`);
  expect(res.body.learner).toMatchObject({ id: j.learner.id, ...p.learner, erasedAt: null });
  expect(res.body.journeys).toHaveLength(1);
  const journey = res.body.journeys[0];
  expect(journey).toMatchObject({
    id: j.id,
    status: 'follow_up',
    note: p.note,
    referrer: { name: 'Claire Conseillere' },
    fabrique: { id: stack.orgs.fabrique.id },
    agency: { id: stack.orgs.agency.id },
  });
  expect(journey.timeline.map((t: { action: string }) => t.action)).toEqual(
    expect.arrayContaining(['refer', 'take-in-review', 'admit', 'record-completion', 'record-follow-up']),
  );
  expect(
    journey.timeline.find((t: { action: string }) => t.action === 'take-in-review').details,
  ).toMatchObject({
    note: p.reviewNote,
  });
  expect(journey.followUps).toEqual([
    expect.objectContaining({ milestone: '3m', outcome: 'cdi', employer: p.employer, jobTitle: p.jobTitle }),
    expect.objectContaining({ milestone: '6m', status: 'sent' }),
  ]);
  expect(journey.texts.map((t: { fields: unknown }) => t.fields)).toEqual(
    expect.arrayContaining([{ note: p.reviewNote }, { employer: p.employer, jobTitle: p.jobTitle }]),
  );
  expect(journey.notifications).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        template: 'referral-received.learner',
        recipient: p.learner.email,
        status: 'sent',
        sentAt: expect.any(String),
      }),
    ]),
  );
  const hashes = await stack.db.followUpToken.findMany({ where: { followUp: { journeyId: j.id } } });
  expect(hashes.length).toBeGreaterThanOrEqual(2);
  for (const { hash } of hashes) expect(res.text).not.toContain(hash);
});

test('only managers export or erase a learner; an unknown learner is 404', async () => {
  const j = await refer(stack, person(stack));
  const { agency, fabrique, manager } = stack.orgs;
  for (const key of [agency.key, fabrique.key]) {
    expect((await stack.request('GET', `/v1/learners/${j.learner.id}/export`, key)).status).toBe(403);
    expect((await erase(stack, j.learner.id, key)).status).toBe(403);
  }
  expect((await stack.request('GET', `/v1/learners/${j.learner.id}/export`)).status).toBe(401);
  for (const id of ['7d1f4c1e-0000-4000-8000-000000000000', 'not-a-uuid']) {
    const res = await stack.request('GET', `/v1/learners/${id}/export`, manager.key);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await erase(stack, id)).status).toBe(404);
  }
  expect((await stack.db.learner.findUniqueOrThrow({ where: { id: j.learner.id } })).email).toBe(
    j.learner.email,
  );
});

test('after erasure no personal value of the learners is left in any table, the codes stay, and the journeys go on without emailing them', async () => {
  const [reviewed, left, turnedDown] = [person(stack), person(stack), person(stack)];
  const [a, b, c] = await Promise.all([
    inReview(stack, reviewed),
    inFollowUp(stack, left),
    refused(stack, turnedDown),
  ]);
  const values = [
    ...reviewed.values.filter((v) => ![reviewed.message, reviewed.employer, reviewed.jobTitle].includes(v)),
    ...left.values.filter((v) => v !== left.message),
    ...turnedDown.values.filter((v) => ![turnedDown.employer, turnedDown.jobTitle].includes(v)),
  ];
  // The check below looks for what really was there.
  expect(found(await everyTable(stack), values)).toEqual(values);
  const emailsBefore = stack.inbox.messages.filter((m) => m.to.includes(reviewed.learner.email)).length;
  expect(emailsBefore).toBeGreaterThanOrEqual(2);

  for (const j of [a, b, c]) {
    const res = await erase(stack, j.learner.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ learnerId: j.learner.id, status: 'erased', journeyIds: [j.id] });
  }
  expect(found(await everyTable(stack), values)).toEqual([]);

  const learner = await stack.db.learner.findUniqueOrThrow({ where: { id: a.learner.id } });
  expect(learner).toMatchObject({
    firstName: null,
    lastName: null,
    email: null,
    phone: null,
    birthDate: null,
    postalCode: null,
    gender: 'male',
    ageBand: a.learner.ageBand,
    qpvResident: false,
    diplomaLevel: 'cap_bep',
    erasedAt: expect.any(Date),
  });
  // The counsellor's name and address are not the learner's: they stay.
  const row = await stack.db.journey.findUniqueOrThrow({ where: { id: a.id } });
  expect(row.referrerName).toBe('Claire Conseillere');
  expect(row.note).toBeNull();
  expect(await stack.db.followUpToken.count({ where: { followUp: { journeyId: b.id } } })).toBe(0);
  const audit = await stack.db.auditEntry.findMany({
    where: { targetId: a.learner.id, action: 'learner.erase' },
  });
  expect(audit).toEqual([
    expect.objectContaining({
      actorType: 'manager',
      actorId: stack.orgs.manager.id,
      details: { reason: 'request' },
    }),
  ]);

  // The journey in review goes on; its emails to the learner are skipped.
  const { fabrique } = stack.orgs;
  expect(
    (await stack.must(a.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 6 })).status,
  ).toBe('admitted');
  const started = await stack.must(a.id, 'confirm-start', fabrique.key, { startDate: today() });
  expect(started.status).toBe('in_training');
  expect(started.learner).toMatchObject({ id: a.learner.id, firstName: null, email: null, gender: 'male' });
  await settled(stack, a.id, 'started.agency');
  expect(stack.inbox.of(a.id, 'admitted.learner')).toHaveLength(0);
  expect(stack.inbox.of(a.id, 'started.learner')).toHaveLength(0);
  expect(stack.inbox.messages.filter((m) => m.to.includes(reviewed.learner.email))).toHaveLength(
    emailsBefore,
  );
  const skipped = await stack.db.notification.findMany({
    where: { journeyId: a.id, template: { in: ['admitted.learner', 'started.learner'] } },
  });
  expect(skipped.map((n) => [n.status, n.recipient])).toEqual([
    ['skipped', ''],
    ['skipped', ''],
  ]);
  // The learner's address is gone from the emails sent before, the others' stay.
  const sentBefore = await stack.db.notification.findMany({
    where: { journeyId: a.id, template: { in: ['referral-received.learner', 'referral-new.fabrique'] } },
    orderBy: { template: 'asc' },
  });
  expect(sentBefore.map((n) => [n.template, n.recipient])).toEqual([
    ['referral-new.fabrique', fabrique.email],
    ['referral-received.learner', ''],
  ]);

  // The journey in follow-up goes on to its close.
  await stack.must(b.id, 'record-follow-up', fabrique.key, { milestone: '6m', outcome: 'cdi' });
  await stack.waitForStatus(b.id, 'closed');

  // Erasing again is harmless and keeps the first date.
  const again = await erase(stack, a.learner.id);
  expect(again.status).toBe(200);
  expect(again.body.erasedAt).toBe(learner.erasedAt?.toISOString());
  expect(found(await everyTable(stack), values)).toEqual([]);
  const exported = await stack.request('GET', `/v1/learners/${b.learner.id}/export`, stack.orgs.manager.key);
  expect(exported.body.learner).toMatchObject({ firstName: null, email: null, erasedAt: expect.any(String) });
  expect(found(exported.text.toLowerCase(), left.values)).toEqual([]);
});

test('a refused journey erases its learner’s personal data once the retention period is over, then completes', async () => {
  const p = person(retaining);
  const j = await refused(retaining, p);
  const handle = retaining.client.workflow.getHandle(workflowIdFor(j.id));
  expect(await handle.query(stateQuery)).toMatchObject({ status: 'refused' });
  // Waiting out the retention period, the journey still refuses every action.
  expect((await retaining.act(j.id, 'close', retaining.orgs.manager.key, { reason: 'Doublon' })).status).toBe(
    409,
  );

  let learner = await retaining.db.learner.findUniqueOrThrow({ where: { id: j.learner.id } });
  expect(learner.email).toBe(p.learner.email);
  const deadline = Date.now() + 20_000;
  while (!learner.erasedAt) {
    if (Date.now() > deadline) throw new Error('the learner was not erased after the retention period');
    await sleep(200);
    learner = await retaining.db.learner.findUniqueOrThrow({ where: { id: j.learner.id } });
  }
  // The retention period (3 s here) runs from the refusal, once its emails are out: the
  // database's own times say so, whatever the time this test took to notice.
  const refusal = await retaining.db.timelineEntry.findFirstOrThrow({
    where: { journeyId: j.id, event: 'refuse' },
  });
  const emails = await retaining.db.notification.findMany({ where: { journeyId: j.id } });
  const lastSent = Math.max(...emails.map((n) => n.sentAt?.getTime() ?? Infinity));
  expect(lastSent).toBeGreaterThanOrEqual(refusal.at.getTime());
  expect(learner.erasedAt.getTime() - lastSent).toBeGreaterThanOrEqual(3_000);
  expect(learner).toMatchObject({ firstName: null, email: null, birthDate: null, gender: 'male' });
  expect(found(await everyTable(retaining), p.values)).toEqual([]);
  expect(await retaining.result(j.id)).toEqual({ status: 'refused', endReason: 'prerequisites_not_met' });
  const audit = await retaining.db.auditEntry.findFirstOrThrow({
    where: { targetId: j.learner.id, action: 'learner.erase' },
  });
  expect(audit).toMatchObject({ actorType: 'system', details: { reason: 'retention', journeyId: j.id } });
  await recordHistory(retaining.client, j.id, 'retention-journey');
});

test('retention leaves a learner’s data alone while one of their journeys is still active', async () => {
  const p = person(retaining);
  const j = await refer(retaining, p);
  const summary = await erasePersonalData(retaining.db, {
    learnerId: j.learner.id,
    journeyId: j.id,
    reason: 'retention',
  });
  expect(summary).toMatchObject({ status: 'skipped', erasedAt: null });
  const learner = await retaining.db.learner.findUniqueOrThrow({ where: { id: j.learner.id } });
  expect(learner).toMatchObject({ email: p.learner.email, erasedAt: null });
  expect((await retaining.db.journey.findUniqueOrThrow({ where: { id: j.id } })).note).toBe(p.note);
});
