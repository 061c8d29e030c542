// The journey page's data, prepared before rendering: the API's view of the
// journey (same scope, same allowed actions), the names of who acted, and
// the emails of the notification log.
import { formatDate, formatDateTime } from '../../mail/templates/dates';
import type { Caller } from '../../api/auth';
import { loadJourneyJson } from '../../api/journey-view';
import type { Db } from '../../prisma/client';
import { DIPLOMA_LEVELS, FOLLOW_UP_OUTCOMES, GENDERS } from '../../domain/codes';
import type { ActionName, Status } from '../../domain/transitions';
import {
  ACTION_LABELS,
  emailLabel,
  eventLabel,
  FOLLOW_UP_STATUS_LABELS,
  MILESTONE_LABELS,
  NOTIFICATION_STATUS_LABELS,
  ROLE_LABELS,
  STATUS_BADGES,
  STATUS_LABELS,
  TIMER_LABELS,
} from '../labels';

type JourneyJson = Awaited<ReturnType<typeof loadJourneyJson>>;

const day = (v: string | null | undefined) => (v ? formatDate(v) : undefined);
const at = (v: string | null | undefined) => (v ? formatDateTime(v) : undefined);

export function statusBadge(status: string) {
  return {
    label: STATUS_LABELS[status as Status] ?? status,
    severity: STATUS_BADGES[status as Status] ?? 'info',
  };
}

/** The learner's name, or a neutral wording once their personal data was erased. */
export function learnerName(l: { firstName: string | null; lastName: string | null }): string {
  return l.firstName || l.lastName
    ? `${l.firstName ?? ''} ${l.lastName ?? ''}`.trim()
    : 'Personne (données effacées)';
}

export function deadlineText(next: { at: string; kind: string } | null): string | undefined {
  if (!next) return undefined;
  const label = (TIMER_LABELS as Record<string, string>)[next.kind] ?? next.kind;
  return `${label}, le ${formatDateTime(next.at)}`;
}

function keyDates(j: JourneyJson): [string, string | undefined][] {
  const d = j.dates;
  return [
    ['Orientation', day(d.referredAt)],
    ['Entretien', at(d.interviewAt)],
    ['Décision', day(d.decidedAt)],
    ['Entrée prévue', day(d.plannedStartDate)],
    ['Entrée en formation', day(d.startDate)],
    ['Fin prévue', day(d.plannedEndDate)],
    ['Suspendu·e depuis', day(d.suspendedFrom)],
    ['Sortie', day(d.exitDate)],
    ['Clôture', day(d.closedAt)],
  ];
}

export async function journeyPage(db: Db, caller: Caller, id: string) {
  const j = await loadJourneyJson(db, caller, id);
  const timeline = j.timeline ?? [];
  const orgIds = [...new Set([j.agency.id, j.fabrique.id, ...timeline.map((t) => t.actor.orgId ?? '')])];
  const memberIds = [...new Set(timeline.map((t) => t.actor.memberId).filter((m): m is string => !!m))];
  const [orgs, members, notifications] = await Promise.all([
    db.organization.findMany({
      where: { id: { in: orgIds.filter(Boolean) } },
      select: { id: true, name: true },
    }),
    db.member.findMany({ where: { id: { in: memberIds } }, select: { id: true, name: true } }),
    db.notification.findMany({ where: { journeyId: id }, orderBy: { createdAt: 'asc' } }),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const memberName = new Map(members.map((m) => [m.id, m.name]));
  const actorText = (a: { type: string; orgId: string | null; keyId?: string; memberId?: string }) => {
    const org = a.orgId ? orgName.get(a.orgId) : undefined;
    const who = a.memberId ? memberName.get(a.memberId) : a.keyId ? `clé d’API ${a.keyId}` : undefined;
    if (!org) return ROLE_LABELS[a.type] ?? a.type;
    return who ? `${who} (${org})` : org;
  };
  const l = j.learner;
  return {
    id: j.id,
    title: learnerName(l),
    status: statusBadge(j.status),
    learner: [
      ['Adresse électronique', l.email ?? undefined],
      ['Téléphone', l.phone ?? undefined],
      ['Date de naissance', day(l.birthDate)],
      ['Code postal', l.postalCode ?? undefined],
      ['Genre', (GENDERS.labels as Record<string, string>)[l.gender]],
      ['Quartier prioritaire (QPV)', l.qpvResident ? 'Oui' : 'Non'],
      ['Niveau de diplôme', (DIPLOMA_LEVELS.labels as Record<string, string>)[l.diplomaLevel]],
    ].filter((row) => row[1] !== undefined),
    parties: [
      ['Prescripteur', j.agency.name],
      ['Conseiller ou conseillère', j.referrer ? `${j.referrer.name} (${j.referrer.email})` : undefined],
      ['Fabrique', j.fabrique.name],
      ['Formation', j.trainingTitle ?? undefined],
      ['Durée', j.durationMonths ? `${j.durationMonths} mois` : undefined],
    ].filter((row) => row[1] !== undefined),
    dates: keyDates(j).filter((row) => row[1] !== undefined),
    nextDeadline: deadlineText(j.nextDeadline),
    followUps: j.followUps.map((f) => ({
      milestone: MILESTONE_LABELS[String(f.milestone)] ?? String(f.milestone),
      due: day(f.dueDate as string | null),
      status: FOLLOW_UP_STATUS_LABELS[String(f.status)] ?? String(f.status),
      outcome: f.outcome
        ? (FOLLOW_UP_OUTCOMES.labels as Record<string, string>)[String(f.outcome)]
        : undefined,
    })),
    actions: j.allowedActions.map((a: ActionName) => ({
      href: `/parcours/${j.id}/actions/${a}`,
      label: ACTION_LABELS[a],
    })),
    timeline: timeline
      .slice()
      .reverse()
      .map((t) => ({
        at: formatDateTime(t.at),
        event: eventLabel(t.action),
        change:
          t.fromStatus && t.toStatus && t.fromStatus !== t.toStatus
            ? `${STATUS_LABELS[t.fromStatus as Status] ?? t.fromStatus} → ${STATUS_LABELS[t.toStatus as Status] ?? t.toStatus}`
            : undefined,
        actor: actorText(t.actor),
      })),
    emails: notifications.map((n) => ({
      at: formatDateTime((n.sentAt ?? n.createdAt).toISOString()),
      template: emailLabel(n.template),
      recipient: n.recipient || '—',
      status: NOTIFICATION_STATUS_LABELS[n.status] ?? n.status,
    })),
  };
}
