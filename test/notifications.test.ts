// Every email goes out: a send cut by a crash is sent again under the same
// Message-ID and the log counts it, a refused send is retried until it
// leaves, a permanent refusal is logged for a person, and without SMTP the
// messages land in a folder.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMailer } from '../mail/mailer';
import { startStack, today, type TestStack } from './support/stack';

let stack: TestStack;
let crashes = 0;

beforeAll(async () => {
  stack = await startStack({
    // The worker "dies" once right after SMTP accepted the agency's admission email.
    afterHandOff: (eventKey) => {
      if (eventKey.endsWith(':admitted.agency') && crashes === 0) {
        crashes++;
        throw new Error('worker died after handing the message over');
      }
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** Waits for the log row of `template` (or of any template) to reach `status`. */
async function waitForRow(journeyId: string, template: string | undefined, status: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const row = await stack.db.notification.findFirst({
      where: { journeyId, template, ...(template ? {} : { status }) },
    });
    if (row?.status === status) return row;
    if (Date.now() > deadline) throw new Error(`${template} is ${row?.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('an email handed to SMTP just before its worker died is sent again with the same Message-ID, and the log counts the resend', async () => {
  const j = await stack.refer();
  await stack.must(j.id, 'admit', stack.orgs.fabrique.key, { startDate: today(7), durationMonths: 6 });
  // The retry finds the email still held by the dead attempt: it sends it again.
  const row = await waitForRow(j.id, 'admitted.agency', 'sent');
  expect(crashes).toBe(1);
  const copies = stack.inbox.of(j.id, 'admitted.agency');
  expect(copies).toHaveLength(2);
  expect(copies[1]?.messageId).toBe(copies[0]?.messageId);
  expect(`<${copies[0]?.messageId.replace(/^<|>$/g, '')}>`).toBe(row.messageId);
  expect(row).toMatchObject({ attempts: 2, resentAfterCrash: 1, recipient: stack.orgs.agency.email });
  // The other emails of the same event went out once, as usual.
  const learner = await waitForRow(j.id, 'admitted.learner', 'sent');
  expect(learner).toMatchObject({ attempts: 1, resentAfterCrash: 0 });
  expect(stack.inbox.of(j.id, 'admitted.learner')).toHaveLength(1);
});

test('an email whose SMTP server answers only after the heartbeat timeout is sent once: its live attempt keeps beating', async () => {
  const held = stack.inbox.hold('in-review.learner');
  const j = await stack.refer();
  await stack.must(j.id, 'take-in-review', stack.orgs.fabrique.key, {});
  const email = await held;
  // Longer than the send's heartbeat timeout (10 s) and its first retry's
  // delay (2 s): were the attempt taken for dead, its retry would have sent
  // a second copy by now.
  await new Promise((r) => setTimeout(r, 15_000));
  email.release();
  const row = await waitForRow(j.id, 'in-review.learner', 'sent');
  expect(row).toMatchObject({ attempts: 1, resentAfterCrash: 0 });
  expect(stack.inbox.of(j.id, 'in-review.learner')).toHaveLength(1);
}, 60_000);

test('an email the SMTP server refuses for now is sent on retry, once', async () => {
  stack.inbox.rejectNext(1);
  const j = await stack.refer();
  await waitForRow(j.id, 'referral-received.learner', 'sent');
  await waitForRow(j.id, 'referral-new.fabrique', 'sent');
  // One of the referral's emails was refused first, then sent again with the same Message-ID.
  const refusals = stack.inbox.refused.filter((m) => m.journeyId === j.id);
  expect(refusals.map((m) => m.template)).toEqual([
    expect.stringMatching(/^(referral-received\.learner|referral-new\.fabrique)$/),
  ]);
  const [refused] = refusals;
  expect(stack.inbox.of(j.id, refused?.template).map((m) => m.messageId)).toEqual([refused?.messageId]);
  expect(stack.inbox.of(j.id, 'referral-received.learner')).toHaveLength(1);
  expect(stack.inbox.of(j.id, 'referral-new.fabrique')).toHaveLength(1);
});

test('an email the SMTP server refuses for good is logged as refused, not retried, and the journey goes on', async () => {
  stack.inbox.rejectNext(1, 550);
  const j = await stack.refer();
  const refused = await waitForRow(j.id, undefined, 'refused');
  expect(refused).toMatchObject({ attempts: 1, error: 'mail transport failed (EMESSAGE 550)' });
  // The other email of the referral went out, and the journey takes its next action.
  const other =
    refused.template === 'referral-new.fabrique' ? 'referral-received.learner' : 'referral-new.fabrique';
  await waitForRow(j.id, other, 'sent');
  await stack.must(j.id, 'take-in-review', stack.orgs.fabrique.key, {});
  expect(stack.inbox.of(j.id, refused.template)).toHaveLength(0);
  expect(await stack.db.notification.count({ where: { journeyId: j.id, status: 'refused' } })).toBe(1);
});

test('every email carries a text and an HTML part, in French', async () => {
  const j = await stack.refer();
  const mail = await stack.inbox.waitFor(j.id, 'referral-received.learner');
  expect(mail.text.length).toBeGreaterThan(50);
  expect(mail.html).toContain('<html lang="fr"');
  expect(mail.subject).toMatch(/orientation|candidature|parcours/i);
});

test('without SMTP_URL, messages are written as .eml files in the mail folder', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parcours-mail-'));
  const mailer = createMailer({ mailDir: dir });
  try {
    await mailer.send({
      from: 'Parcours <no-reply@parcours.test>',
      to: ['fabrique@orgs.test'],
      subject: 'Nouvelle orientation',
      text: 'Bonjour',
      html: '<p>Bonjour</p>',
      messageId: '<abc@parcours>',
    });
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const eml = await readFile(path.join(dir, files[0] as string), 'utf8');
    expect(eml).toContain('To: fabrique@orgs.test');
    expect(eml).toContain('Subject: Nouvelle orientation');
  } finally {
    mailer.close();
    await rm(dir, { recursive: true, force: true });
  }
});
