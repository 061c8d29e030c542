// Members: the people of an organisation who sign in to the web app. Adding
// and removing one is audited and told to the organisation's email; removing
// one ends their sessions and sign-in links at once.
import type { z } from 'zod';
import { memberAddedEmail, memberRemovedEmail } from '../mail/templates/accounts';
import type { Db, Prisma } from '../prisma/client';
import { sendAccountEmail, type AccountMail } from './account-mail';
import { audit } from '../store/audit';
import { auditActorOf, type Caller } from './auth';
import { conflict, forbidden, notFound } from './problem';
import type { CreateMember } from './schemas';

export interface MemberDeps {
  db: Db;
  mail: AccountMail;
  publicBaseUrl: string;
}

type MemberRow = Prisma.MemberGetPayload<object>;

export function memberJson(m: MemberRow) {
  return {
    id: m.id,
    organizationId: m.organizationId,
    email: m.email,
    name: m.name,
    createdAt: m.createdAt.toISOString(),
  };
}

async function organization(db: Db, id: string) {
  const org = await db.organization.findUnique({ where: { id } });
  if (!org) throw notFound(`No organisation ${id}.`);
  return org;
}

function auditMember(
  db: Db | Prisma.TransactionClient,
  c: Caller,
  action: string,
  orgId: string,
  memberId: string,
) {
  return audit(db, auditActorOf(c), action, orgId, {
    memberId,
    ...(c.memberId ? { byMemberId: c.memberId } : {}),
    ...(c.keyId ? { byKeyId: c.keyId } : {}),
  });
}

/**
 * Who looks after an organisation's members and keys (adds and removes its
 * members, revokes its keys): a manager (the admin key is one), or a member
 * of that organisation in the web app (`/mon-organisation`). Issuing a key
 * has its own rule (`mayIssueKey`).
 */
export function mayLookAfter(c: Caller, orgId: string): boolean {
  return c.type === 'manager' || (c.memberId !== undefined && c.orgId === orgId);
}

/** The active member with this address, in any organisation. */
export function findActiveMember(db: Db, email: string) {
  return db.member.findFirst({
    where: { email: email.toLowerCase(), removedAt: null },
    include: { organization: true },
  });
}

export async function addMember(
  deps: MemberDeps,
  c: Caller,
  orgId: string,
  input: z.infer<typeof CreateMember>,
): Promise<MemberRow> {
  const { db } = deps;
  if (!mayLookAfter(c, orgId)) {
    throw forbidden('Only the admin key, a manager or a member of this organisation may add its members.');
  }
  const org = await organization(db, orgId);
  const email = input.email.toLowerCase();
  // One person signs in to one organisation: the address names the member.
  if (await findActiveMember(db, email)) {
    throw conflict('This address is already a member of an organisation.', {
      errors: [{ field: 'email', message: 'already a member' }],
    });
  }
  const member = await db.$transaction(async (tx) => {
    const row = await tx.member.create({ data: { organizationId: org.id, email, name: input.name } });
    await auditMember(tx, c, 'member.add', org.id, row.id);
    return row;
  });
  await sendAccountEmail(
    deps.mail,
    org.email,
    'member-added',
    memberAddedEmail({
      organizationName: org.name,
      memberName: member.name,
      memberEmail: member.email,
      signInUrl: `${deps.publicBaseUrl}/connexion`,
    }),
  );
  return member;
}

export async function listMembers(db: Db, orgId: string): Promise<MemberRow[]> {
  await organization(db, orgId);
  return db.member.findMany({
    where: { organizationId: orgId, removedAt: null },
    orderBy: { createdAt: 'asc' },
  });
}

/** Removes a member: their sessions and unused links go in the same transaction. */
export async function removeMember(
  deps: MemberDeps,
  c: Caller,
  orgId: string,
  memberId: string,
): Promise<void> {
  const { db } = deps;
  if (!mayLookAfter(c, orgId)) {
    throw forbidden('Only a manager or a member of this organisation may remove its members.');
  }
  const org = await organization(db, orgId);
  const member = await db.member.findFirst({
    where: { id: memberId, organizationId: org.id, removedAt: null },
  });
  if (!member) throw notFound(`No member ${memberId} in this organisation.`);
  await db.$transaction([
    db.session.deleteMany({ where: { memberId: member.id } }),
    db.signInLink.deleteMany({ where: { memberId: member.id } }),
    db.member.update({ where: { id: member.id }, data: { removedAt: new Date() } }),
    auditMember(db, c, 'member.remove', org.id, member.id),
  ]);
  await sendAccountEmail(
    deps.mail,
    org.email,
    'member-removed',
    memberRemovedEmail({ organizationName: org.name, memberName: member.name, memberEmail: member.email }),
  );
}
