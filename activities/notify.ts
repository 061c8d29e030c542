// Notifications: one email per event and recipient, sent at most once.
//
// The notification log row (unique `eventKey`) is claimed before sending and
// marked sent after. A retry finds `sent` and stops. A retry that finds
// `sending` means an earlier attempt died between handing the message to the
// transport and recording it: the message may be out, so it is not sent again
// but marked `uncertain` for a person to check. Failures that certainly kept
// the message from leaving (connection refused, SMTP rejection) release the
// claim so that Temporal's retry sends it.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import type { Prisma } from '../prisma/client';
import type { SendNotificationInput } from '../workflows/activity-types';
import type { Recipient } from '../workflows/notifications';
import { addDuration, type Milestone, type TimingPolicy } from '../workflows/policy';
import { issueFollowUpToken } from './follow-up-links';
import { messageIdFor, type Mailer } from './mailer';
import type { TemplateContext } from './templates/context';
import { renderEmail } from './templates/render';

export interface NotifyDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
  publicBaseUrl: string;
  log?: (message: string) => void;
  /** Test hook: runs after the transport accepted a message, before it is logged as sent. */
  afterHandOff?: (eventKey: string) => void | Promise<void>;
}

type JourneyRow = Prisma.JourneyGetPayload<{ include: { learner: true; agency: true; fabrique: true } }>;

/** Errors after which the message certainly did not leave. */
function certainlyNotSent(err: unknown): boolean {
  const e = err as { code?: string; responseCode?: number };
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return true;
  return ['ECONNECTION', 'ECONNREFUSED', 'ETIMEDOUT', 'EDNS', 'EAUTH', 'ETLS', 'EENVELOPE'].includes(
    e.code ?? '',
  );
}

export function createNotifier(deps: NotifyDeps) {
  const { db } = deps;

  async function addresses(
    who: Recipient,
    journey: JourneyRow,
    input: SendNotificationInput,
  ): Promise<string[]> {
    switch (who) {
      case 'learner':
        return journey.learner.email ? [journey.learner.email] : [];
      case 'agency':
        return [journey.referrerEmail ?? journey.agency.email];
      case 'fabrique':
        return [journey.fabrique.email];
      case 'previous-fabrique': {
        const id = input.details.fromFabriqueId;
        const org = typeof id === 'string' ? await db.organization.findUnique({ where: { id } }) : null;
        return org ? [org.email] : [];
      }
      case 'managers': {
        const managers = await db.organization.findMany({
          where: { type: 'manager' },
          orderBy: { createdAt: 'asc' },
        });
        return [...new Set(managers.map((m) => m.email))];
      }
    }
  }

  async function context(journey: JourneyRow, input: SendNotificationInput): Promise<TemplateContext> {
    const dateOnly = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
    const timeline = await db.timelineEntry.findUnique({
      where: { journeyId_seq: { journeyId: journey.id, seq: input.seq } },
    });
    const texts: Record<string, string> = {};
    for (const [k, v] of Object.entries((timeline?.details as Record<string, unknown> | null) ?? {})) {
      if (typeof v === 'string' && !(k in input.details)) texts[k] = v;
    }
    const fromId = input.details.fromFabriqueId;
    const previous =
      typeof fromId === 'string' ? await db.organization.findUnique({ where: { id: fromId } }) : null;
    let followUp: TemplateContext['followUp'];
    const milestone = input.details.milestone as Milestone | undefined;
    if (
      milestone &&
      (input.template === 'follow-up-survey.learner' || input.template === 'follow-up-reminder.learner')
    ) {
      const policy = journey.policy as unknown as TimingPolicy;
      const fu = await db.followUp.findUnique({
        where: { journeyId_milestone: { journeyId: journey.id, milestone } },
      });
      const expiresAt = addDuration(fu?.surveySentAt ?? new Date(), policy.followUpGiveUp);
      const token = await issueFollowUpToken(db, journey.id, milestone, expiresAt);
      if (token) {
        followUp = {
          milestone,
          link: `${deps.publicBaseUrl}/v1/follow-ups/${token}`,
          expiresAt: expiresAt.toISOString(),
        };
      }
    }
    return {
      learner: { firstName: journey.learner.firstName, lastName: journey.learner.lastName },
      agency: { name: journey.agency.name },
      referrer: { name: journey.referrerName },
      fabrique: { name: journey.fabrique.name, email: journey.fabrique.email },
      previousFabrique: previous ? { name: previous.name } : undefined,
      journey: {
        id: journey.id,
        status: journey.status,
        trainingTitle: journey.trainingTitle,
        referredAt: journey.referredAt.toISOString(),
        interviewAt: journey.interviewAt?.toISOString() ?? null,
        plannedStartDate: dateOnly(journey.plannedStartDate),
        durationMonths: journey.durationMonths,
        startDate: dateOnly(journey.startDate),
        plannedEndDate: dateOnly(journey.plannedEndDate),
        exitDate: dateOnly(journey.exitDate),
      },
      details: input.details,
      texts,
      followUp,
      journeyUrl: `${deps.publicBaseUrl}/parcours/${journey.id}`,
    };
  }

  return {
    async sendNotification(input: SendNotificationInput): Promise<void> {
      const eventKey = `${input.journeyId}:${input.seq}:${input.template}`;
      const existing = await db.notification.findUnique({ where: { eventKey } });
      if (existing?.status === 'sent' || existing?.status === 'uncertain' || existing?.status === 'skipped')
        return;
      if (existing?.status === 'sending') {
        await db.notification.update({ where: { eventKey }, data: { status: 'uncertain' } });
        deps.log?.(
          `notification ${existing.id} (${input.template}) may have been sent before a crash; not resent`,
        );
        return;
      }
      const journey = await db.journey.findUniqueOrThrow({
        where: { id: input.journeyId },
        include: { learner: true, agency: true, fabrique: true },
      });
      const to = await addresses(input.to, journey, input);
      const cc = (await Promise.all((input.cc ?? []).map((r) => addresses(r, journey, input)))).flat();
      if (to.length === 0) {
        // An erased learner has no address left: log that nothing went out.
        await db.notification.upsert({
          where: { eventKey },
          update: { status: 'skipped' },
          create: {
            eventKey,
            journeyId: input.journeyId,
            template: input.template,
            recipient: '',
            status: 'skipped',
          },
        });
        return;
      }
      // Claim: a row in `retry` (an earlier certain failure) or no row at all.
      const recipient = [...to, ...cc].join(', ');
      if (existing) {
        const claimed = await db.notification.updateMany({
          where: { eventKey, status: 'retry' },
          data: { status: 'sending', recipient },
        });
        if (claimed.count === 0) return;
      } else {
        try {
          await db.notification.create({
            data: {
              eventKey,
              journeyId: input.journeyId,
              template: input.template,
              recipient,
              status: 'sending',
            },
          });
        } catch {
          return; // another attempt claimed it
        }
      }
      const rendered = renderEmail(input.template, await context(journey, input));
      const messageId = messageIdFor(eventKey);
      try {
        await deps.mailer.send({
          from: deps.mailFrom,
          to,
          cc: cc.length ? cc : undefined,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId,
          headers: { 'X-Parcours-Template': input.template, 'X-Parcours-Journey': input.journeyId },
        });
      } catch (err) {
        // SMTP replies often quote the recipient: keep only codes, so that no
        // address reaches the log table, the worker's log or Temporal history.
        const e = err as { code?: string; responseCode?: number };
        const summary = `mail transport failed (${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''})`;
        if (certainlyNotSent(err)) {
          await db.notification.update({ where: { eventKey }, data: { status: 'retry', error: summary } });
        }
        throw ApplicationFailure.retryable(summary, 'MailSendFailed');
      }
      await deps.afterHandOff?.(eventKey);
      await db.notification.update({
        where: { eventKey },
        data: { status: 'sent', messageId, sentAt: new Date() },
      });
    },
  };
}
