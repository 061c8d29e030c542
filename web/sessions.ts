// Web sessions, kept in PostgreSQL: the cookie holds a random token, the row
// only its SHA-256. A session ends after 12 hours without a request, at
// "Se déconnecter", or when its member is removed.
import { randomBytes } from 'node:crypto';
import type { CookieOptions } from 'express';
import { hashKey } from '../api/api-keys';
import type { Caller } from '../api/auth';
import type { Db, Prisma } from '../prisma/client';

export const SESSION_COOKIE = 'parcours_session';
export const IDLE_LIMIT_MS = 12 * 60 * 60_000;
/** lastSeenAt is written at most this often, not on every page. */
const TOUCH_EVERY_MS = 60_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type SignedInMember = Prisma.MemberGetPayload<{ include: { organization: true } }>;

export function sessionCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/' };
}

/** Opens a session for the member; returns the cookie's token. */
export async function openSession(db: Db, memberId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.session.create({ data: { hash: hashKey(token), memberId } });
  return token;
}

/** The member of a live session, or null; an idle session is deleted on sight. */
export async function findSessionMember(db: Db, token: string | undefined): Promise<SignedInMember | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const hash = hashKey(token);
  const row = await db.session.findUnique({
    where: { hash },
    include: { member: { include: { organization: true } } },
  });
  if (!row || row.member.removedAt) return null;
  const idle = Date.now() - row.lastSeenAt.getTime();
  if (idle > IDLE_LIMIT_MS) {
    await db.session.deleteMany({ where: { hash } });
    return null;
  }
  if (idle > TOUCH_EVERY_MS) {
    await db.session.updateMany({ where: { hash }, data: { lastSeenAt: new Date() } });
  }
  return row.member;
}

export async function closeSession(db: Db, token: string | undefined): Promise<void> {
  if (token && TOKEN_SHAPE.test(token)) await db.session.deleteMany({ where: { hash: hashKey(token) } });
}

/** A member acts with exactly the rights of an API key of their organisation. */
export function memberCaller(member: SignedInMember): Caller {
  return { type: member.organization.type, orgId: member.organizationId, admin: false, memberId: member.id };
}
