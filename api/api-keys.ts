// API keys: `pk_<keyId>_<secret>`. Only the SHA-256 of the key is stored; the
// id finds the row, and the hash is compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../prisma/client';

export interface IssuedKey {
  keyId: string;
  apiKey: string;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export async function issueKey(db: Db, organizationId: string): Promise<IssuedKey> {
  const keyId = randomBytes(8).toString('hex');
  const apiKey = `pk_${keyId}_${randomBytes(24).toString('base64url')}`;
  await db.apiKey.create({ data: { id: keyId, organizationId, hash: hashKey(apiKey) } });
  return { keyId, apiKey };
}

/** A key id as issued: 16 hex digits. */
export const KEY_ID = /^[0-9a-f]{16}$/;
const KEY_SHAPE = /^pk_([0-9a-f]{16})_[A-Za-z0-9_-]{32}$/;

/** The organisation a key belongs to, or null for an unknown, malformed or revoked key. */
export async function verifyKey(db: Db, apiKey: string) {
  const m = KEY_SHAPE.exec(apiKey);
  if (!m) return null;
  const row = await db.apiKey.findUnique({ where: { id: m[1] }, include: { organization: true } });
  if (!row || row.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hashKey(apiKey), 'hex'))) return null;
  return row;
}
