// A real SMTP server inside the test process, collecting what Parcours sends.
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedEmail {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  template: string;
  journeyId: string;
  messageId: string;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** A message received whose answer the server holds back: its sender waits in the hand-off. */
export interface HeldEmail {
  /** The name the sender gave in EHLO (nodemailer's `name` option). */
  sender: string;
  /** Answers 250: the hand-off completes, if the sender is still there. */
  release: () => void;
}

export class Inbox {
  readonly messages: ReceivedEmail[] = [];

  /** The copies received of one email, by the Message-ID the notification log holds (`<id>`). */
  copiesOf(messageId: string): ReceivedEmail[] {
    return this.messages.filter((m) => `<${m.messageId.replace(/^<|>$/g, '')}>` === messageId);
  }
  /** Messages refused (see rejectNext), in the order they came. */
  readonly refused: ReceivedEmail[] = [];
  private server!: SMTPServer;
  private holds: { template: string; held: (h: HeldEmail) => void }[] = [];
  private rejections = 0;
  private rejectionCode = 451;
  url = '';
  /** The port it listens on, kept across a stop so that it can come back there. */
  port = 0;

  /** The next `count` messages are refused: for now (451) or, with 550, for good. */
  rejectNext(count: number, responseCode = 451): void {
    this.rejections = count;
    this.rejectionCode = responseCode;
  }

  /**
   * The next message of `template` is received (and counted) but its answer
   * is held back until released: the sender is caught mid-hand-off.
   */
  hold(template: string): Promise<HeldEmail> {
    return new Promise((held) => this.holds.push({ template, held }));
  }

  /** Listens on `port`: 0 for a free one, or the port it had, to come back after `stop()`. */
  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // No DNS here: a reverse lookup of 127.0.0.1 would stall every connection.
      disableReverseLookup: true,
      onData: (stream, session, callback) => {
        const refuse = this.rejections > 0;
        if (refuse) this.rejections--;
        simpleParser(stream)
          .then((mail) => {
            (refuse ? this.refused : this.messages).push({
              to: addresses(mail.to),
              cc: addresses(mail.cc),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              template: String(mail.headers.get('x-parcours-template') ?? ''),
              journeyId: String(mail.headers.get('x-parcours-journey') ?? ''),
              messageId: mail.messageId ?? '',
            });
            if (refuse) {
              return callback(Object.assign(new Error('refused'), { responseCode: this.rejectionCode }));
            }
            const template = String(mail.headers.get('x-parcours-template') ?? '');
            const hold = this.holds.find((h) => h.template === template);
            if (!hold) return callback();
            this.holds = this.holds.filter((h) => h !== hold);
            hold.held({ sender: session.hostNameAppearsAs, release: () => callback() });
          })
          .catch((err: Error) => callback(err));
      },
    });
    // A sender killed in the middle of a conversation resets its connection:
    // the message it was sending is simply not received, as with any server.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    this.url = `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The personal follow-up link in an email, as a path on the API. */
  static followUpPath(email: ReceivedEmail): string {
    const m = /https?:\/\/[^/\s]+(\/v1\/follow-ups\/[A-Za-z0-9_-]+)/.exec(email.text);
    if (!m?.[1]) throw new Error(`no follow-up link in: ${email.text}`);
    return m[1];
  }

  /** Emails of one journey, optionally of one template. */
  of(journeyId: string, template?: string): ReceivedEmail[] {
    return this.messages.filter((m) => m.journeyId === journeyId && (!template || m.template === template));
  }

  /** Waits for an email of this template to this address, among those received after the first `after`. */
  async waitForTemplate(template: string, to: string, after = 0, timeoutMs = 10_000): Promise<ReceivedEmail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(after).find((m) => m.template === template && m.to.includes(to));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${template} email within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until an email of this journey and template arrived, and returns it. */
  async waitFor(journeyId: string, template: string, timeoutMs = 20_000): Promise<ReceivedEmail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(journeyId, template)[0];
      if (found) return found;
      if (Date.now() > deadline) {
        const got = this.of(journeyId).map((m) => m.template);
        throw new Error(
          `no ${template} email for journey ${journeyId} within ${timeoutMs} ms; got: ${got.join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
