// Sign-in links: random, stored hashed, single use, valid 15 minutes. The
// email's link opens a page whose button posts the token, so that a mail
// scanner following links signs nobody in.
import { randomBytes } from 'node:crypto';
import { hashKey } from '../api/api-keys';
import type { Db } from '../prisma/client';

export const LINK_LIFETIME_MINUTES = 15;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export async function issueSignInLink(db: Db, memberId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.signInLink.create({
    data: {
      hash: hashKey(token),
      memberId,
      expiresAt: new Date(Date.now() + LINK_LIFETIME_MINUTES * 60_000),
    },
  });
  return token;
}

/** Whether the token is a link still usable, without using it. */
export async function isUsableLink(db: Db, token: string): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const row = await db.signInLink.findUnique({ where: { hash: hashKey(token) }, include: { member: true } });
  return !!row && !row.usedAt && row.expiresAt.getTime() > Date.now() && !row.member.removedAt;
}

/** Uses the link once; returns its member's id, or null when unknown, used, expired or removed. */
export async function useSignInLink(db: Db, token: string): Promise<string | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const hash = hashKey(token);
  const now = new Date();
  // One UPDATE decides: of two posts of the same link, one wins.
  const used = await db.signInLink.updateMany({
    where: { hash, usedAt: null, expiresAt: { gt: now }, member: { removedAt: null } },
    data: { usedAt: now },
  });
  if (used.count !== 1) return null;
  const row = await db.signInLink.findUnique({ where: { hash } });
  return row?.memberId ?? null;
}
