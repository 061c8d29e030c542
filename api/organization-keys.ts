// An organisation's API keys as managers and members handle them: who may
// issue one, issuing (shown once), listing (never the keys), revoking; every
// change audited. The API routes and the web app's pages both call these.
import { z } from 'zod';
import type { Db } from '../prisma/client';
import { audit } from '../store/audit';
import { issueKey, KEY_ID, type IssuedKey } from './api-keys';
import { auditActorOf, type Caller } from './auth';
import { mayLookAfter } from './members';
import { forbidden, notFound } from './problem';

/** Who may issue a key: the admin key, or a member of that organisation in the web app (DESIGN). */
export function mayIssueKey(c: Caller, orgId: string): boolean {
  return c.admin || (c.memberId !== undefined && c.orgId === orgId);
}

/** Who did it, as the audit log's details name them: the member or the key. */
export function actingDetails(c: Caller): Record<string, string> {
  return {
    ...(c.memberId ? { byMemberId: c.memberId } : {}),
    ...(c.keyId ? { byKeyId: c.keyId } : {}),
  };
}

/**
 * Issues another key for an organisation, audited. A manager cannot mint keys
 * for another organisation: acting as it would bypass the transition table's roles.
 */
export async function issueKeyFor(db: Db, c: Caller, orgId: string): Promise<IssuedKey> {
  if (!mayIssueKey(c, orgId))
    throw forbidden("Only the ADMIN_API_KEY may issue another organisation's keys.");
  const org = z.uuid().safeParse(orgId).success
    ? await db.organization.findUnique({ where: { id: orgId } })
    : null;
  if (!org) throw notFound(`No organisation ${orgId}.`);
  const issued = await issueKey(db, org.id);
  await audit(db, auditActorOf(c), 'api-key.issue', orgId, { keyId: issued.keyId, ...actingDetails(c) });
  return issued;
}

/** An organisation's keys, oldest first: ids and dates, never the keys. */
export async function listKeys(db: Db, orgId: string) {
  const keys = await db.apiKey.findMany({ where: { organizationId: orgId }, orderBy: { createdAt: 'asc' } });
  return keys.map((k) => ({
    keyId: k.id,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes one of an organisation's keys at once, audited; revoking a revoked key changes nothing. */
export async function revokeKey(db: Db, c: Caller, orgId: string, keyId: string): Promise<void> {
  if (!mayLookAfter(c, orgId)) {
    throw forbidden('Only a manager or a member of this organisation may revoke its keys.');
  }
  // Only a well-formed id reaches the database: a NUL byte there is a server error.
  const key = KEY_ID.test(keyId)
    ? await db.apiKey.findFirst({ where: { id: keyId, organizationId: orgId } })
    : null;
  if (!key) throw notFound(`No key ${keyId} for this organisation.`);
  if (key.revokedAt) return;
  await db.$transaction([
    db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } }),
    audit(db, auditActorOf(c), 'api-key.revoke', orgId, { keyId, ...actingDetails(c) }),
  ]);
}
