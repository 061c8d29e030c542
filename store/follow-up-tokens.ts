// Personal survey links: a random token per email, kept only as a SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../prisma/client';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a new link to a follow-up's survey; it works until `expiresAt` or the first answer. */
export async function issueFollowUpToken(db: Db, followUpId: string, expiresAt: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.followUpToken.create({ data: { hash: hashToken(token), followUpId, expiresAt } });
  return token;
}
