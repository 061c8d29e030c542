// The audit log: who did what to which organisation, key or learner. Every
// change an administrator or a manager makes through the API is written here.
import type { Db, Prisma } from '../prisma/client';

/** Who acted: a role (`admin` for the bootstrap key, `system` for a timer) and its organisation. */
export interface AuditActor {
  actorType: string;
  actorId: string | null;
}

/** The retention timer, acting for nobody. */
export const SYSTEM_ACTOR: AuditActor = { actorType: 'system', actorId: null };

export function audit(
  db: Db | Prisma.TransactionClient,
  actor: AuditActor,
  action: string,
  targetId: string,
  details?: Record<string, string>,
) {
  return db.auditEntry.create({ data: { ...actor, action, targetId, details } });
}
