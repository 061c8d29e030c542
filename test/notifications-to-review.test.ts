// Managers list the emails that need a person: one resent after its worker
// died mid-send, one the SMTP server refused for good, one skipped because
// the learner was erased. They see the journey, the template, the kind of
// recipient and the dates, never an address or a message's content.
import { startStack, today, type TestStack } from './support/stack';
import { waitFor } from './support/wait';

let stack: TestStack;
let crashed = false;
beforeAll(async () => {
  stack = await startStack({
    afterHandOff: (eventKey) => {
      if (eventKey.endsWith(':admitted.agency') && !crashed) {
        crashed = true;
        throw new Error('worker died after handing the message over');
      }
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const list = (query = '', key = stack.orgs.manager.key) =>
  stack.request('GET', `/v1/notifications${query}`, key);

interface Item {
  journeyId: string;
  template: string;
  recipientKind: string;
  status: string;
  resentAfterCrash: number;
}

test('a manager sees the emails resent after a crash, refused for good, or skipped for an erased learner, and nothing personal', async () => {
  const { fabrique, manager } = stack.orgs;
  // Resent: the agency's admission email, its first send cut by a crash.
  const resent = await stack.refer();
  await stack.must(resent.id, 'admit', fabrique.key, { startDate: today(7), durationMonths: 6 });
  // One email at a time reaches the SMTP server from here on, so that the refusal hits the right one.
  await waitFor('the resend logged', () =>
    stack.db.notification.findFirst({ where: { journeyId: resent.id, resentAfterCrash: 1, status: 'sent' } }),
  );
  await waitFor('the referral and admission emails sent', async () => {
    const n = await stack.db.notification.count({ where: { journeyId: resent.id, status: 'sent' } });
    return n === 4;
  });
  // Refused: the SMTP server refuses the next message for good.
  stack.inbox.rejectNext(1, 550);
  const refused = await stack.refer();
  await waitFor('the referral emails settled', async () => {
    const n = await stack.db.notification.count({
      where: { journeyId: refused.id, status: { in: ['sent', 'refused'] } },
    });
    return n === 2;
  });
  // Skipped: the learner is erased, then admitted.
  const erased = await stack.refer();
  await stack.inbox.waitFor(erased.id, 'referral-new.fabrique');
  expect((await stack.request('POST', `/v1/learners/${erased.learner.id}/erase`, manager.key)).status).toBe(
    200,
  );
  await stack.must(erased.id, 'admit', fabrique.key, { startDate: today(7), durationMonths: 6 });

  const mine = (items: Item[]) =>
    items.filter((i) => [resent.id, refused.id, erased.id].includes(i.journeyId));
  const items = await waitFor('the three emails listed', async () => {
    const res = await list('?limit=200');
    const found = mine(res.body.items as Item[]);
    return found.length >= 3 && found;
  });
  expect(
    items
      .map((i) => [i.journeyId, i.template, i.recipientKind, i.status])
      .sort((a, b) => `${a}`.localeCompare(`${b}`)),
  ).toEqual(
    [
      [resent.id, 'admitted.agency', 'agency', 'resent'],
      [refused.id, expect.stringMatching(/^referral-/), expect.any(String), 'refused'],
      [erased.id, 'admitted.learner', 'learner', 'skipped'],
    ].sort((a, b) => `${a}`.localeCompare(`${b}`)),
  );
  expect(items.find((i) => i.status === 'resent')?.resentAfterCrash).toBe(1);

  // Nothing personal: no address, no name of the learners or the organisations' mailboxes.
  const text = (await list()).text;
  for (const j of [resent, refused, erased]) {
    expect(text).not.toContain(j.learner.email);
    expect(text).not.toContain(j.learner.lastName);
  }
  expect(text).not.toContain(stack.orgs.agency.email);

  // One reason at a time, and one journey at a time.
  const onlyRefused = (await list(`?status=refused&journeyId=${refused.id}`)).body.items as Item[];
  expect(onlyRefused.map((i) => i.status)).toEqual(['refused']);
  expect(((await list(`?status=skipped&journeyId=${resent.id}`)).body.items as Item[]).length).toBe(0);
});

test('agencies and fabriques may not list them; a bad filter is a 422 that names it', async () => {
  expect((await list('', stack.orgs.agency.key)).status).toBe(403);
  expect((await list('', stack.orgs.fabrique.key)).status).toBe(403);
  const bad = await list('?status=sent');
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.status']);
});
