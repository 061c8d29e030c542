// Configuration from the environment: what a mistake in it says.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encryptionKeysFromEnv } from '../config/encryption-keys';
import { workerMetricsPorts } from '../config/topology.mjs';
import { bundlePathFromEnv, loadConfig, loadPolicy } from '../config/env';
import { ensureDatabase } from '../scripts/lib/database.mjs';
import { freePort } from '../scripts/lib/temporal.mjs';
import { DEFAULT_POLICY } from '../domain/policy';
import { addDuration } from '../domain/dates';

describe('JOURNEY_POLICY', () => {
  test('unset, journeys get the policy of DESIGN.md', () => {
    expect(loadPolicy(undefined)).toEqual(DEFAULT_POLICY);
  });

  test('a JSON object overrides some keys and keeps the others', () => {
    const policy = loadPolicy('{"decisionExpiry": "P45D", "followUpOffsets": {"3m": "P2M", "6m": "P4M"}}');
    expect(policy.decisionExpiry).toBe('P45D');
    expect(policy.followUpOffsets).toEqual({ '3m': 'P2M', '6m': 'P4M' });
    expect(policy.waitlistExpiry).toBe(DEFAULT_POLICY.waitlistExpiry);
  });

  test('a path to a JSON file works the same', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'policy.json');
    writeFileSync(file, JSON.stringify({ decisionReminders: ['P3D'] }));
    expect(loadPolicy(file).decisionReminders).toEqual(['P3D']);
  });

  test('a mistake names the key and the expected form', () => {
    expect(() => loadPolicy('{"decisionExpiry": "60 days"}')).toThrow(
      /decisionExpiry must be an ISO 8601 duration/,
    );
    expect(() => loadPolicy('{"decisionExpiri": "P60D"}')).toThrow(
      /unknown timing policy key "decisionExpiri"/,
    );
    expect(() => loadPolicy('{"decisionExpiry": ')).toThrow(/JOURNEY_POLICY is not valid JSON/);
  });

  test('months are calendar months: 31 January plus one month is the end of February', () => {
    expect(addDuration(new Date('2027-01-31T00:00:00Z'), 'P1M').toISOString()).toBe(
      '2027-02-28T00:00:00.000Z',
    );
    expect(addDuration(new Date('2027-03-15T00:00:00Z'), 'P3M').toISOString()).toBe(
      '2027-06-15T00:00:00.000Z',
    );
  });
});

describe('the rest of the environment', () => {
  test('with nothing set, Parcours runs on local defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toMatch(/^postgresql:\/\/.*127\.0\.0\.1:5432\/parcours$/);
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', taskQueue: 'learner-journeys' });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.encryption).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
  });

  test('webhooks retry 30 s apart doubling to an hour for 3 days, go anywhere outside production and to public https only in it', () => {
    expect(loadConfig({}).webhooks).toEqual({
      retry: { initialMs: 30_000, maxMs: 3_600_000, giveUpAfter: 'P3D' },
      rules: { publicOnly: false },
    });
    const tests = loadConfig({
      WEBHOOK_RETRY_INITIAL: 'PT0.1S',
      WEBHOOK_RETRY_MAX: 'PT1S',
      NODE_ENV: 'production',
    });
    expect(tests.webhooks).toEqual({
      retry: { initialMs: 100, maxMs: 1000, giveUpAfter: 'P3D' },
      rules: { publicOnly: true },
    });
    expect(() => loadConfig({ WEBHOOK_RETRY_INITIAL: '30s' })).toThrow(/WEBHOOK_RETRY_INITIAL/);
    expect(() => loadConfig({ WEBHOOK_GIVE_UP_AFTER: 'three days' })).toThrow(/WEBHOOK_GIVE_UP_AFTER/);
    expect(() => loadConfig({ WEBHOOK_RETRY_INITIAL: 'PT2H', WEBHOOK_RETRY_MAX: 'PT1H' })).toThrow(
      /WEBHOOK_RETRY_MAX/,
    );
  });

  test('a bad port or target is refused with its name', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ STATS_TARGET: '-3' })).toThrow(/STATS_TARGET/);
  });

  test('metrics: the worker serves none unless given a port of its own, and a METRICS_TOKEN must not be guessable', () => {
    expect(loadConfig({}).workerMetrics).toBeUndefined();
    expect(loadConfig({ WORKER_METRICS_PORT: '9464' }).workerMetrics).toEqual({
      host: '127.0.0.1',
      port: 9464,
    });
    expect(loadConfig({ WORKER_METRICS_PORT: '9465', WORKER_METRICS_HOST: '0.0.0.0' }).workerMetrics).toEqual(
      {
        host: '0.0.0.0',
        port: 9465,
      },
    );
    expect(() => loadConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(
      /WORKER_METRICS_PORT must be a port number/,
    );
    expect(() => loadConfig({ WORKER_METRICS_PORT: '0' })).toThrow(/WORKER_METRICS_PORT/);
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) + 'bcdef' }).metricsToken).toBe(
      'a'.repeat(16) + 'bcdef',
    );
    expect(() => loadConfig({ METRICS_TOKEN: 'secret' })).toThrow(/METRICS_TOKEN must be at least 16/);
  });

  test('npm start with WORKERS=n gives worker i the metrics port WORKER_METRICS_PORT + i, so none fails to bind', () => {
    expect(workerMetricsPorts({ WORKER_METRICS_PORT: '9464' }, 3)).toEqual([9464, 9465, 9466]);
    expect(workerMetricsPorts({}, 2)).toEqual([undefined, undefined]);
    expect(() => workerMetricsPorts({ WORKER_METRICS_PORT: '65535' }, 2)).toThrow(
      /WORKER_METRICS_PORT must be a port number from 1 to 65534 with WORKERS=2/,
    );
    expect(() => workerMetricsPorts({ WORKER_METRICS_PORT: 'x' }, 1)).toThrow(/WORKER_METRICS_PORT/);
  });

  test('encryption keys must be 32 bytes, and the current one must be listed', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const keys = encryptionKeysFromEnv({
      PAYLOAD_ENCRYPTION_KEYS: `old:${key},new:${key}`,
      PAYLOAD_ENCRYPTION_KEY_ID: 'new',
    });
    expect(keys?.currentId).toBe('new');
    expect([...(keys?.keys.keys() ?? [])]).toEqual(['old', 'new']);
    expect(() => encryptionKeysFromEnv({ PAYLOAD_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).toThrow(/32 bytes/);
    expect(() =>
      encryptionKeysFromEnv({ PAYLOAD_ENCRYPTION_KEYS: `k1:${key}`, PAYLOAD_ENCRYPTION_KEY_ID: 'k2' }),
    ).toThrow(/k2 is not among/);
  });

  test('a production worker refuses to start without the prebuilt workflow bundle', () => {
    expect(bundlePathFromEnv({ WORKFLOW_BUNDLE: '/somewhere/bundle.js' })).toBe('/somewhere/bundle.js');
    expect(bundlePathFromEnv({})).toBeUndefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    const built = path.join(dir, 'workflow-bundle.js');
    expect(() => bundlePathFromEnv({ NODE_ENV: 'production' }, built)).toThrow(/npm run build/);
    writeFileSync(built, '// bundle');
    expect(bundlePathFromEnv({ NODE_ENV: 'production' }, built)).toBe(built);
  });
});

describe('PostgreSQL provisioning', () => {
  const local = (user: string, port: number, db = 'parcours_never_created') =>
    `postgresql://${user}@127.0.0.1:${port}/${db}`;
  const port = Number(new URL(process.env.DATABASE_URL as string).port || 5432);

  test('nothing listening: says PostgreSQL does not answer, and where', async () => {
    const nowhere = await freePort();
    await expect(ensureDatabase(local('postgres', nowhere))).rejects.toThrow(
      `PostgreSQL does not answer at 127.0.0.1:${nowhere}/parcours_never_created`,
    );
  });

  test('a server that refuses the user: says so, naming the user, not that nothing answers', async () => {
    const error = await ensureDatabase(local('no_such_role_here', port)).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/refused the login of no_such_role_here \(28/);
    expect((error as Error).message).toMatch(/DATABASE_URL/);
  });
});
