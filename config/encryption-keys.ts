// Payload encryption keys from the environment (temporal/payload-codec.ts uses them).
import type { EncryptionKeys } from '../temporal/payload-codec';

/**
 * PAYLOAD_ENCRYPTION_KEYS="id1:<base64 32 bytes>,id2:<…>"; the current key is
 * PAYLOAD_ENCRYPTION_KEY_ID, else the first listed. Undefined when unset.
 */
export function encryptionKeysFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionKeys | undefined {
  const raw = (env.PAYLOAD_ENCRYPTION_KEYS ?? '').trim();
  if (!raw) return undefined;
  const keys = new Map<string, Buffer>();
  for (const entry of raw.split(',')) {
    const [id, b64] = entry.trim().split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || key.length !== 32) {
      throw new Error('PAYLOAD_ENCRYPTION_KEYS must list id:<base64 of 32 bytes>, comma-separated');
    }
    keys.set(id, key);
  }
  const currentId = env.PAYLOAD_ENCRYPTION_KEY_ID || [...keys.keys()][0];
  if (!currentId || !keys.has(currentId)) {
    throw new Error(`PAYLOAD_ENCRYPTION_KEY_ID ${currentId} is not among PAYLOAD_ENCRYPTION_KEYS`);
  }
  return { keys, currentId };
}
