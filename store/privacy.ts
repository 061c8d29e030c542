// A learner's personal data under the RGPD: what the right of access exports,
// and what erasure removes, on a manager's request or when a closed journey's
// retention period ends. One implementation for the API and the workflow.
//
// Erasure keeps the codes the indicators need (gender, age band, QPV
// residence, diploma level) and the journeys themselves, which go on: emails
// to an erased learner are skipped, since no address is left.
import type { Db } from '../prisma/client';
import type { Prisma } from '../prisma/client';
import { isFreeText } from '../domain/actions';
import type { ErasePersonalDataInput, ErasureSummary } from '../workflows/activity-types';
import { ACTIVE_STATUSES } from '../domain/transitions';
import { messageIdFor } from './notification-log';
import type { MailCopies } from './mail-copies';
import { dayOf, instantOf } from '../domain/dates';
import { audit, SYSTEM_ACTOR, type AuditActor } from './audit';
import { followUpJson, journeyDatesJson, timelineJson } from './read-model';

/** Timeline details without the free text that was copied into them. */
function withoutFreeText(event: string, details: Prisma.JsonValue): Record<string, unknown> | null {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return null;
  const kept: Record<string, unknown> = {};
  let changed = false;
  for (const [key, value] of Object.entries(details)) {
    if (isFreeText(event, key)) changed = true;
    else kept[key] = value;
  }
  return changed ? kept : null;
}

/** A comma-separated recipient list without one address. */
function withoutAddress(list: string, address: string): string {
  return list
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a && a.toLowerCase() !== address.toLowerCase())
    .join(', ');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Erases a learner's personal data; null when the learner is unknown. The
 * database in one transaction, then the copies of the journeys' emails this
 * machine keeps (the .eml folder), if any. Idempotent: a second erasure finds
 * nothing left, keeps the first `erasedAt`, and deletes copies a crash left.
 * With reason `retention`, it does nothing while another journey of the
 * learner is still active: that journey's own timer will.
 */
export async function erasePersonalData(
  db: Db,
  input: ErasePersonalDataInput,
  requester: AuditActor = SYSTEM_ACTOR,
  copies?: MailCopies,
): Promise<ErasureSummary | null> {
  const summary = await eraseInDatabase(db, input, requester);
  if (summary?.status !== 'erased' || !copies) return summary;
  const sent = await db.notification.findMany({
    where: { journeyId: { in: summary.journeyIds } },
    select: { eventKey: true },
  });
  summary.cleared.mailCopies = await copies.forget(sent.map((n) => messageIdFor(n.eventKey)));
  return summary;
}

async function eraseInDatabase(
  db: Db,
  input: ErasePersonalDataInput,
  requester: AuditActor,
): Promise<ErasureSummary | null> {
  return db.$transaction(
    async (tx): Promise<ErasureSummary | null> => {
      // Serialises erasures of the same learner (a request and a retention timer).
      await tx.$queryRaw`SELECT id FROM "Learner" WHERE id = ${input.learnerId}::uuid FOR UPDATE`;
      const learner = await tx.learner.findUnique({
        where: { id: input.learnerId },
        include: { journeys: { select: { id: true, status: true } } },
      });
      if (!learner) return null;
      const journeyIds = learner.journeys.map((j) => j.id);
      const cleared = {
        actionTexts: 0,
        timelineEntries: 0,
        followUps: 0,
        followUpTokens: 0,
        notifications: 0,
        mailCopies: 0,
      };
      if (
        input.reason === 'retention' &&
        learner.journeys.some((j) => (ACTIVE_STATUSES as readonly string[]).includes(j.status))
      ) {
        return { learnerId: learner.id, status: 'skipped', erasedAt: null, journeyIds, cleared };
      }

      const erasedAt = learner.erasedAt ?? new Date();
      await tx.learner.update({
        where: { id: learner.id },
        data: {
          firstName: null,
          lastName: null,
          email: null,
          phone: null,
          birthDate: null,
          postalCode: null,
          erasedAt,
        },
      });
      const inJourneys = { journeyId: { in: journeyIds } };
      // Referrer name and email are the counsellor's, not the learner's: they stay.
      await tx.journey.updateMany({ where: { id: { in: journeyIds } }, data: { note: null } });
      cleared.actionTexts = (await tx.actionText.deleteMany({ where: inJourneys })).count;

      const entries = await tx.timelineEntry.findMany({
        where: inJourneys,
        select: { id: true, event: true, details: true },
      });
      for (const entry of entries) {
        const details = withoutFreeText(entry.event, entry.details);
        if (!details) continue;
        await tx.timelineEntry.update({
          where: { id: entry.id },
          data: { details: details as Prisma.InputJsonValue },
        });
        cleared.timelineEntries++;
      }

      cleared.followUpTokens = (await tx.followUpToken.deleteMany({ where: { followUp: inJourneys } })).count;
      cleared.followUps = (
        await tx.followUp.updateMany({
          where: { ...inJourneys, OR: [{ employer: { not: null } }, { jobTitle: { not: null } }] },
          data: { employer: null, jobTitle: null },
        })
      ).count;

      if (learner.email) {
        const address = learner.email;
        const mentioning = await tx.notification.findMany({
          where: {
            OR: [
              { recipient: { contains: address, mode: 'insensitive' } },
              { error: { contains: address, mode: 'insensitive' } },
            ],
          },
          select: { id: true, recipient: true, error: true },
        });
        const pattern = new RegExp(escapeRegExp(address), 'gi');
        for (const n of mentioning) {
          await tx.notification.update({
            where: { id: n.id },
            data: {
              recipient: withoutAddress(n.recipient, address),
              error: n.error ? n.error.replace(pattern, '[effacé]') : n.error,
            },
          });
        }
        cleared.notifications = mentioning.length;
      }

      await audit(tx, requester, 'learner.erase', learner.id, {
        reason: input.reason,
        ...(input.journeyId ? { journeyId: input.journeyId } : {}),
      });
      return {
        learnerId: learner.id,
        status: 'erased',
        erasedAt: erasedAt.toISOString(),
        journeyIds,
        cleared,
      };
    },
    { timeout: 30_000 },
  );
}

/** Everything held about a learner (right of access); null when unknown. Never token hashes. */
export async function exportLearnerData(db: Db, learnerId: string) {
  const learner = await db.learner.findUnique({
    where: { id: learnerId },
    include: {
      journeys: {
        orderBy: { referredAt: 'asc' },
        include: {
          agency: { select: { id: true, name: true } },
          fabrique: { select: { id: true, name: true } },
          timeline: { orderBy: { seq: 'asc' } },
          followUps: { orderBy: { milestone: 'asc' } },
          texts: { orderBy: { createdAt: 'asc' } },
          notifications: { orderBy: { createdAt: 'asc' } },
        },
      },
    },
  });
  if (!learner) return null;
  const audit = await db.auditEntry.findMany({ where: { targetId: learnerId }, orderBy: { at: 'asc' } });
  return {
    exportedAt: new Date().toISOString(),
    learner: {
      id: learner.id,
      firstName: learner.firstName,
      lastName: learner.lastName,
      email: learner.email,
      phone: learner.phone,
      birthDate: dayOf(learner.birthDate),
      postalCode: learner.postalCode,
      gender: learner.gender,
      ageBand: learner.ageBand,
      qpvResident: learner.qpvResident,
      diplomaLevel: learner.diplomaLevel,
      createdAt: instantOf(learner.createdAt),
      erasedAt: instantOf(learner.erasedAt),
    },
    journeys: learner.journeys.map((j) => ({
      id: j.id,
      status: j.status,
      agency: j.agency,
      fabrique: j.fabrique,
      referrer: j.referrerName || j.referrerEmail ? { name: j.referrerName, email: j.referrerEmail } : null,
      trainingTitle: j.trainingTitle,
      note: j.note,
      dates: journeyDatesJson(j),
      durationMonths: j.durationMonths,
      exit: j.exitKind
        ? { kind: j.exitKind, reason: j.exitReason, certified: j.certified, certification: j.certification }
        : null,
      endReason: j.endReason,
      nextDeadline: j.nextDeadline ? { at: instantOf(j.nextDeadline), kind: j.nextDeadlineKind } : null,
      timeline: j.timeline.map(timelineJson),
      followUps: j.followUps.map(followUpJson),
      texts: j.texts.map((t) => ({ id: t.id, fields: t.fields, createdAt: instantOf(t.createdAt) })),
      notifications: j.notifications.map((n) => ({
        id: n.id,
        template: n.template,
        recipient: n.recipient,
        status: n.status,
        createdAt: instantOf(n.createdAt),
        sentAt: instantOf(n.sentAt),
      })),
    })),
    audit: audit.map((a) => ({
      at: instantOf(a.at),
      action: a.action,
      actor: { type: a.actorType, id: a.actorId },
    })),
  };
}

/** The retention timer's activity. */
export function createPrivacy(db: Db, copies?: MailCopies) {
  return {
    erasePersonalData: (input: ErasePersonalDataInput) => erasePersonalData(db, input, SYSTEM_ACTOR, copies),
  };
}
