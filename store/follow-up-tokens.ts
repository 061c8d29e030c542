// Personal survey links: a random token per email, kept only as a SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../prisma/client';
import type { Milestone } from '../domain/policy';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a new link for a milestone; it works until `expiresAt` or the first answer. */
export async function issueFollowUpToken(
  db: Db,
  journeyId: string,
  milestone: Milestone,
  expiresAt: Date,
): Promise<string | null> {
  const followUp = await db.followUp.findUnique({ where: { journeyId_milestone: { journeyId, milestone } } });
  if (!followUp) return null;
  const token = randomBytes(32).toString('base64url');
  await db.followUpToken.create({ data: { hash: hashToken(token), followUpId: followUp.id, expiresAt } });
  return token;
}
