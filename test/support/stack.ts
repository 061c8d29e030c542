// A whole Parcours for one test file: the API on a free port, a worker on its
// own task queue, a real SMTP server, against the Temporal server and test
// database that global-setup started. Nothing is mocked.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createMailer, type Mailer } from '../../mail/mailer';
import { mailCopiesFor } from '../../store/mail-copies';
import { closeApp, createApp } from '../../api/app';
import type { Limits } from '../../api/limits';
import { dataConverterFor, type EncryptionKeys } from '../../temporal/payload-codec';
import { createDb, type Db } from '../../prisma/client';
import { createJourneyWorker } from '../../worker/create-worker';
import { workflowIdFor } from '../../workflows/messages';
import { DEFAULT_POLICY, resolvePolicy, type TimingPolicy } from '../../domain/policy';
import { createParcoursClient, type components, type ParcoursClient } from '../../client';
import { isAction } from '../../domain/transitions';
import { contractCheck } from './contract';
import { Inbox } from './smtp';
import type { DestinationRules } from '../../webhooks/destination';
import type { WebhookRetry } from '../../webhooks/retry';

type CreateJourney = components['schemas']['CreateJourney'];
type LearnerInput = CreateJourney['learner'];

/** A learner as an agency would describe them; every value unique to this call. */
export function learner(overrides: Partial<LearnerInput> = {}): LearnerInput & { phone: string } {
  const tag = randomBytes(4).toString('hex');
  return {
    firstName: `Prenom${tag}`,
    lastName: `Nom${tag}`,
    email: `learner-${tag}@learners.test`,
    phone: `06 ${tag.slice(0, 2).replace(/\D/g, '1').padStart(2, '1')} 45 67 89`,
    birthDate: '2004-03-17',
    gender: 'female',
    postalCode: '93200',
    qpvResident: true,
    diplomaLevel: 'none',
    ...overrides,
  };
}

export interface HttpResult {
  status: number;
  body: Record<string, unknown> & { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
  text: string;
}

/** What a call of the typed client gave, as HttpResult (the body is the data, or the problem). */
export async function resultOf(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<HttpResult> {
  const { data, error, response } = await call;
  const raw = data ?? error;
  return {
    status: response.status,
    headers: response.headers,
    body: typeof raw === 'object' && raw !== null ? (raw as HttpResult['body']) : {},
    text: typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw),
  };
}

export interface Org {
  id: string;
  key: string;
  email: string;
  name: string;
}

export interface StackOptions {
  policy?: Partial<TimingPolicy>;
  /** Runs after SMTP accepted a message and before it is logged as sent. */
  afterHandOff?: (eventKey: string) => void | Promise<void>;
  /** Temporal payload encryption for the client, the worker and the codec endpoint. */
  encryption?: EncryptionKeys;
  limits?: Partial<Limits>;
  /** Express's trust proxy, as TRUST_PROXY sets it. */
  trustProxy?: boolean | number | string;
  /** Mail goes to this folder of .eml files, as `npm start` does without SMTP_URL, instead of the inbox. */
  mailDir?: string;
  /** How long an action waits for its outcome before the API answers 503. */
  actionTimeoutMs?: number;
  /** History events a journey's workflow run holds before it continues as new. */
  historyLimit?: number;
  /** A database of the test file's own (test/support/databases.ts) instead of the shared test database. */
  databaseUrl?: string;
  /** False: no worker in the test process (the test runs worker processes of its own). */
  worker?: boolean;
  /** Webhook retries; by default milliseconds apart (TEST_WEBHOOK_RETRY), so that the suite stays fast. */
  webhookRetry?: WebhookRetry;
  /** Where webhooks may go; by default anywhere, loopback included, as outside production. */
  webhookRules?: DestinationRules;
}

/** Webhook retries in tests: 100 ms doubling to 1 s, given up after 3 days as in production. */
export const TEST_WEBHOOK_RETRY: WebhookRetry = { initialMs: 100, maxMs: 1000, giveUpAfter: 'P3D' };

export class TestStack {
  readonly inbox = new Inbox();
  readonly adminKey = `adm_${randomBytes(32).toString('hex')}`;
  readonly taskQueue = `test-${randomUUID()}`;
  db!: Db;
  client!: Client;
  baseUrl = '';
  orgs!: { manager: Org; agency: Org; agency2: Org; fabrique: Org; fabrique2: Org };
  policy: TimingPolicy;
  encryption?: EncryptionKeys;
  private server!: Server;
  private app!: ReturnType<typeof createApp>;
  private nativeConnection!: NativeConnection;
  private apiMailer?: Mailer;
  /** The running worker's mailer: closed with it, as worker/main.ts does, so that no pooled SMTP connection outlives it. */
  private workerMailer?: Mailer;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(private readonly options: StackOptions = {}) {
    this.policy = resolvePolicy(options.policy ?? {}, DEFAULT_POLICY);
  }

  async start(): Promise<this> {
    installRuntimeLogger();
    await this.inbox.start();
    this.db = createDb(this.options.databaseUrl ?? (process.env.DATABASE_URL as string));
    const address = process.env.TEMPORAL_ADDRESS as string;
    this.encryption = this.options.encryption;
    this.client = new Client({
      connection: await Connection.connect({ address }),
      dataConverter: dataConverterFor(this.encryption),
    });
    this.nativeConnection = await NativeConnection.connect({ address });
    if (this.options.worker !== false) await this.startWorker();
    await this.startApi();
    const tag = randomBytes(3).toString('hex');
    const make = async (type: 'agency' | 'fabrique' | 'manager', name: string): Promise<Org> => {
      const email = `${type}-${tag}-${name.toLowerCase().replace(/\W+/g, '')}@orgs.test`;
      const { data, error } = await this.api(this.adminKey).POST('/v1/organizations', {
        body: {
          type,
          name: `${name} ${tag}`,
          email,
          region: type === 'fabrique' && name.includes('2') ? 'Hauts-de-France' : 'Île-de-France',
          ...(type === 'agency' ? { agencyKind: 'mission_locale' as const } : {}),
        },
      });
      if (!data) throw new Error(`creating ${type} failed: ${JSON.stringify(error)}`);
      return { id: data.id, key: data.apiKey, email, name: data.name };
    };
    this.orgs = {
      manager: await make('manager', 'Manager'),
      agency: await make('agency', 'Agency'),
      agency2: await make('agency', 'Agency2'),
      fabrique: await make('fabrique', 'Fabrique'),
      fabrique2: await make('fabrique', 'Fabrique2'),
    };
    return this;
  }

  private async startApi(): Promise<void> {
    const app = (this.app = createApp({
      db: this.db,
      temporal: this.client,
      taskQueue: this.taskQueue,
      policy: this.policy,
      publicBaseUrl: 'http://parcours.test',
      adminApiKey: this.adminKey,
      encryption: this.encryption,
      limits: this.options.limits,
      trustProxy: this.options.trustProxy,
      actionTimeoutMs: this.options.actionTimeoutMs,
      historyLimit: this.options.historyLimit,
      mailCopies: this.options.mailDir ? mailCopiesFor({ mailDir: this.options.mailDir }) : undefined,
      mailer: (this.apiMailer = this.options.mailDir
        ? createMailer({ mailDir: this.options.mailDir })
        : createMailer({ smtpUrl: this.inbox.url, mailDir: '' })),
      mailFrom: 'Parcours <no-reply@parcours.test>',
      webhookRules: this.options.webhookRules ?? { publicOnly: false },
      // No `log`: the API logs as under `npm start`, so that npm test's scan of the output sees it.
    }));
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Restarts the worker and the API with other encryption keys, as a key rotation would. */
  async rotateKeys(keys: EncryptionKeys): Promise<void> {
    await this.stopWorker();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await closeApp(this.app);
    this.encryption = keys;
    this.client = new Client({ connection: this.client.connection, dataConverter: dataConverterFor(keys) });
    await this.startWorker();
    await this.startApi();
  }

  async startWorker(): Promise<void> {
    this.worker = await createJourneyWorker({
      connection: this.nativeConnection,
      namespace: 'default',
      taskQueue: this.taskQueue,
      workflowBundlePath: process.env.WORKFLOW_BUNDLE,
      db: this.db,
      mailer: (this.workerMailer = this.options.mailDir
        ? createMailer({ mailDir: this.options.mailDir })
        : createMailer({ smtpUrl: this.inbox.url, mailDir: '' })),
      mailFrom: 'Parcours <no-reply@parcours.test>',
      publicBaseUrl: 'http://parcours.test',
      afterHandOff: this.options.afterHandOff,
      encryption: this.encryption,
      webhookRetry: this.options.webhookRetry ?? TEST_WEBHOOK_RETRY,
      webhookRules: this.options.webhookRules ?? { publicOnly: false },
      // worker/main.ts logs these as JSON lines; here jest's console shows them (and npm test scans them).
      log: (m) => console.warn(`[worker] ${m}`),
    });
    this.running = this.worker.run();
  }

  /** Stops the worker as Ctrl-C would; journeys wait in Temporal meanwhile. */
  async stopWorker(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    this.worker = undefined;
    this.workerMailer?.close();
    this.workerMailer = undefined;
  }

  async stop(): Promise<void> {
    await this.stopWorker();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await closeApp(this.app);
    this.apiMailer?.close();
    await this.client.connection.close();
    await this.nativeConnection.close();
    await this.inbox.stop();
    await this.db.$disconnect();
  }

  /**
   * The typed client of client/ with `key` (none for the public routes):
   * paths, parameters and bodies are checked against the OpenAPI document
   * when the tests compile, and every answer when they run (contractCheck).
   */
  api(key?: string, baseUrl = this.baseUrl): ParcoursClient {
    const client = createParcoursClient(baseUrl, key);
    client.use(contractCheck);
    return client;
  }

  /** Any request, as written: for what the contract does not give (bad JSON, unknown routes, raw headers). */
  async request(
    method: string,
    path: string,
    key?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: HttpResult['body'];
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  /** A learner as an agency would describe them; every value unique to this call. */
  learner(overrides: Partial<LearnerInput> = {}): LearnerInput & { phone: string } {
    return learner(overrides);
  }

  /** Refers a learner from the agency to the fabrique; returns the journey. */
  async refer(
    extra: Partial<CreateJourney> = {},
    agency: Org = this.orgs.agency,
  ): Promise<HttpResult['body']> {
    const res = await resultOf(
      this.api(agency.key).POST('/v1/journeys', {
        body: { learner: this.learner(), fabriqueId: this.orgs.fabrique.id, ...extra },
      }),
    );
    if (res.status !== 201) throw new Error(`referral failed: ${res.status} ${res.text}`);
    return res.body;
  }

  /**
   * An action through the typed client, with an Idempotency-Key if given, on
   * this API or another one (`baseUrl`); an action the contract does not
   * know goes as written.
   */
  async act(
    journeyId: string,
    action: string,
    key: string,
    body: unknown = {},
    options: { idempotencyKey?: string; baseUrl?: string } = {},
  ): Promise<HttpResult> {
    if (!isAction(action))
      return this.request('POST', `/v1/journeys/${journeyId}/actions/${action}`, key, body);
    const header = options.idempotencyKey === undefined ? {} : { 'Idempotency-Key': options.idempotencyKey };
    return resultOf(
      this.api(key, options.baseUrl).POST(`/v1/journeys/{id}/actions/${action}`, {
        params: { path: { id: journeyId }, header },
        body: body as never,
      }),
    );
  }

  /** GET /v1/journeys/:id as `key` sees it. */
  async view(journeyId: string, key: string): Promise<HttpResult> {
    return resultOf(this.api(key).GET('/v1/journeys/{id}', { params: { path: { id: journeyId } } }));
  }

  /** The learner's survey link (a path from the email), through the typed client, as a browser uses it. */
  followUp(link: string) {
    const token = { params: { path: { token: link.slice(link.lastIndexOf('/') + 1) } } };
    const learner = this.api();
    return {
      form: () => resultOf(learner.GET('/v1/follow-ups/{token}', { ...token, parseAs: 'text' })),
      /** Posted as the form posts it (application/x-www-form-urlencoded). */
      answer: (fields: Record<string, string>) =>
        resultOf(
          learner.POST('/v1/follow-ups/{token}', {
            ...token,
            body: fields as never,
            bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            parseAs: 'text',
          }),
        ),
    };
  }

  /** Acts and insists on success. */
  async must(
    journeyId: string,
    action: string,
    key: string,
    body: unknown = {},
  ): Promise<HttpResult['body']> {
    const res = await this.act(journeyId, action, key, body);
    if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
    return res.body;
  }

  async journey(journeyId: string, key: string = this.orgs.manager.key): Promise<HttpResult['body']> {
    return (await this.view(journeyId, key)).body;
  }

  /** Polls the API until the journey reaches `status`. */
  async waitForStatus(journeyId: string, status: string, timeoutMs = 30_000): Promise<HttpResult['body']> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const j = await this.journey(journeyId);
      if (j.status === status) return j;
      if (Date.now() > deadline) throw new Error(`journey stayed ${j.status}, expected ${status}`);
      await sleep(200);
    }
  }

  /**
   * Waits until the journey's workflow is at rest: its referral on the
   * timeline, no activity (read-model write, email) or workflow task pending,
   * and its history the same length twice 300 ms apart. What an event sets off
   * has then happened: an email it should not have sent would be here.
   */
  async atRest(journeyId: string, timeoutMs = 30_000): Promise<void> {
    const handle = this.client.workflow.getHandle(workflowIdFor(journeyId));
    const deadline = Date.now() + timeoutMs;
    const restingLength = async (): Promise<number | null> => {
      const [description, timeline] = await Promise.all([
        handle.describe(),
        this.db.timelineEntry.count({ where: { journeyId } }),
      ]);
      const busy =
        timeline === 0 ||
        (description.raw.pendingActivities?.length ?? 0) > 0 ||
        Boolean(description.raw.pendingWorkflowTask);
      return busy ? null : description.historyLength;
    };
    for (;;) {
      const length = await restingLength();
      if (length !== null) {
        await sleep(300);
        if ((await restingLength()) === length) return;
      } else {
        await sleep(100);
      }
      if (Date.now() > deadline)
        throw new Error(`journey ${journeyId} did not come to rest in ${timeoutMs} ms`);
    }
  }

  /** Waits for the workflow to finish and returns its result. */
  async result(journeyId: string, timeoutMs = 20_000): Promise<unknown> {
    const handle = this.client.workflow.getHandle(workflowIdFor(journeyId));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void (async () => {
          const d = await handle.describe();
          const h = await handle.fetchHistory();
          const events = (h.events ?? []).slice(-8).map((e) => String(e.eventType));
          reject(
            new Error(
              `journey ${journeyId} still ${d.status.name} after ${timeoutMs} ms; last events ${events}`,
            ),
          );
        })();
      }, timeoutMs);
    });
    try {
      return await Promise.race([handle.result(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The Temporal SDK logs at WARN, as worker/main.ts has it by default (there
 * through its JSON logger, worker/runtime.ts; here as plain text, which jest's
 * console shows). Worker metrics are tested on a worker process of its own.
 */
function installRuntimeLogger(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const today = (offsetDays = 0) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export async function startStack(options?: StackOptions): Promise<TestStack> {
  return new TestStack(options).start();
}
