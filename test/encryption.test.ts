// With payload encryption on, the Temporal server only ever holds ciphertext;
// a rotated key still reads old journeys; the Web UI's codec endpoint decodes
// for managers only.
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { EncryptionKeys } from '../temporal/payload-codec';
import { stateQuery, workflowIdFor } from '../workflows/messages';
import { fetchHistory, historyText } from './support/histories';
import { startStack, today, type TestStack } from './support/stack';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const onlyA: EncryptionKeys = { keys: new Map([['a', keyA]]), currentId: 'a' };
const rotated: EncryptionKeys = {
  keys: new Map([
    ['b', keyB],
    ['a', keyA],
  ]),
  currentId: 'b',
};

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ encryption: onlyA });
});
afterAll(async () => {
  await stack?.stop();
});

/** A client without the keys sees what the server stores. */
function rawClient(): Client {
  return new Client({ connection: stack.client.connection });
}

test('the Temporal server holds no plaintext payload of an encrypted journey', async () => {
  const j = await stack.refer();
  await stack.must(j.id, 'admit', stack.orgs.fabrique.key, {
    startDate: today(10),
    durationMonths: 9,
    trainingTitle: 'Technicien·ne support',
  });
  const text = historyText(await fetchHistory(rawClient(), j.id));
  expect(text).toContain('binary/encrypted');
  // Ids and codes that the payloads carry never appear in clear.
  for (const clear of [
    stack.orgs.fabrique.id,
    stack.orgs.agency.id,
    j.learner.id,
    'durationMonths',
    'admitted',
  ]) {
    expect(text).not.toContain(clear);
  }
  // The keyed client reads it back.
  const state = await stack.client.workflow.getHandle(workflowIdFor(j.id)).query(stateQuery);
  expect(state).toMatchObject({ status: 'admitted', durationMonths: 9 });
});

test('after a key rotation, journeys started under the old key go on and new ones use the new key', async () => {
  const old = await stack.refer();
  await stack.must(old.id, 'take-in-review', stack.orgs.fabrique.key, {});
  await stack.rotateKeys(rotated);
  const admitted = await stack.must(old.id, 'admit', stack.orgs.fabrique.key, {
    startDate: today(5),
    durationMonths: 6,
  });
  expect(admitted.status).toBe('admitted');
  const fresh = await stack.refer();
  await stack.waitForStatus(fresh.id, 'referred');
  const history = await fetchHistory(rawClient(), fresh.id);
  const keyIds = new Set<string>();
  for (const event of history.events ?? []) {
    const payloads = event.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    for (const p of payloads) keyIds.add(Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString());
  }
  expect([...keyIds]).toEqual(['b']);
});

test('the codec endpoint decodes for a manager key and refuses other callers', async () => {
  const j = await stack.refer();
  const history = await fetchHistory(rawClient(), j.id);
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const body = {
    payloads: [
      {
        metadata: Object.fromEntries(
          Object.entries(input?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(input?.data ?? []).toString('base64'),
      },
    ],
  };
  expect((await stack.request('POST', '/codec/decode', undefined, body)).status).toBe(401);
  expect((await stack.request('POST', '/codec/decode', stack.orgs.fabrique.key, body)).status).toBe(403);
  const decoded = await stack.request('POST', '/codec/decode', stack.orgs.manager.key, body);
  expect(decoded.status).toBe(200);
  const json = Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8');
  expect(JSON.parse(json)).toMatchObject({ journeyId: j.id, fabriqueId: stack.orgs.fabrique.id });
});
