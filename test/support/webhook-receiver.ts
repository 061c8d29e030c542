// A real HTTP endpoint on loopback, as an agency's software would run one:
// it keeps every request as it came (headers, raw body) and answers what the
// test tells it to, now or later.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../domain/webhook-events';

export interface ReceivedHook {
  eventId: string;
  signature: string;
  /** The body exactly as sent: what the signature covers. */
  body: string;
  event: WebhookEvent;
  at: number;
  /** The status the receiver answered (null while held or dropped). */
  answered: number | null;
  /** The sender's port: with /proc, which process sent it. */
  remotePort: number;
}

/** Decides the answer to one request: a status, or a promise of one to hold it. */
export type Answer = (hook: ReceivedHook, earlier: ReceivedHook[]) => number | Promise<number>;

export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  private server!: Server;
  private answer: Answer = () => 200;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Listens on `port`, or a free one; a receiver stopped comes back on its old port with start(receiver.port). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (status) => res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status)),
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  answerWith(answer: Answer): void {
    this.answer = answer;
  }

  /** Every request about one journey, in the order they came. */
  of(journeyId: string): ReceivedHook[] {
    return this.received.filter((h) => h.event.journeyId === journeyId);
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const hook: ReceivedHook = {
      eventId: String(req.headers['parcours-event-id'] ?? ''),
      signature: String(req.headers['parcours-signature'] ?? ''),
      body,
      event: JSON.parse(body) as WebhookEvent,
      at: Date.now(),
      answered: null,
      remotePort: req.socket.remotePort ?? 0,
    };
    const earlier = this.received.filter((h) => h.eventId === hook.eventId);
    this.received.push(hook);
    const status = await this.answer(hook, earlier);
    hook.answered = status;
    return status;
  }
}
