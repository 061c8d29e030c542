// Payload encryption: AES-256-GCM over every Temporal payload (inputs,
// results, Update arguments, activity arguments), on the worker and the
// client alike. Several keys are accepted for decoding so keys can rotate;
// new payloads use the current one. Off unless keys are configured.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const { Payload: PayloadProto } = temporal.api.common.v1;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export interface EncryptionKeys {
  /** Key id → 32-byte key. */
  keys: Map<string, Buffer>;
  /** The key new payloads are encrypted with. */
  currentId: string;
}

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly config: EncryptionKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.config.keys.get(this.config.currentId) as Buffer;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = PayloadProto.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(ENCODING), [KEY_ID]: utf8(this.config.currentId) },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID]) ?? '';
      const key = this.config.keys.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key "${keyId}"`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return PayloadProto.decode(plain) as Payload;
    });
  }
}

/** The data converter option for clients and workers: encryption when keys are set. */
export function dataConverterFor(keys: EncryptionKeys | undefined) {
  return keys ? { payloadCodecs: [new AesGcmCodec(keys)] } : undefined;
}
