// Every timeline entry records who acted: the organisation, and the API key
// or the member (the web app's tests check members).
import { startStack, type TestStack } from './support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const keyIdOf = (apiKey: string) => apiKey.split('_')[1];

test('the referral and each action name the API key that made them', async () => {
  const { agency, fabrique } = stack.orgs;
  const journey = await stack.refer();
  await stack.must(journey.id, 'take-in-review', fabrique.key);
  const timeline = (await stack.journey(journey.id)).timeline as { action: string; actor: object }[];
  expect(timeline.map((t) => [t.action, t.actor])).toEqual([
    ['refer', { type: 'agency', orgId: agency.id, keyId: keyIdOf(agency.key) }],
    ['take-in-review', { type: 'fabrique', orgId: fabrique.id, keyId: keyIdOf(fabrique.key) }],
  ]);
});

test('a timer names no key and no member', async () => {
  const quick = await startStack({ policy: { decisionExpiry: 'PT2S', decisionReminders: [] } });
  try {
    const journey = await quick.refer();
    const expired = await quick.waitForStatus(journey.id, 'expired');
    const last = (expired.timeline as { action: string; actor: object }[]).at(-1);
    expect(last).toMatchObject({ action: 'decision-expiry', actor: { type: 'system', orgId: null } });
    expect(Object.keys(last?.actor ?? {}).sort()).toEqual(['orgId', 'type']);
  } finally {
    await quick.stop();
  }
});
