// The codec endpoint the Temporal Web UI calls to show encrypted payloads
// (/codec/decode, /codec/encode). Manager keys only; exists only when
// payload encryption is on. Point the UI at <api>/codec and list the UI's
// origin in CORS_ORIGINS.
import { Router } from 'express';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec, type EncryptionKeys } from '../../temporal/payload-codec';
import { requireRole } from '../auth';
import { parseInput, unprocessable } from '../problem';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Body = z.strictObject({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() }))
    .max(1000),
});

type JsonPayload = z.infer<typeof Body>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function codecRoutes(keys: EncryptionKeys): Router {
  const router = Router();
  const codec = new AesGcmCodec(keys);
  router.use(requireRole('manager'));
  for (const op of ['encode', 'decode'] as const) {
    router.post(`/${op}`, async (req, res) => {
      const { payloads } = parseInput(Body, req.body, 'body');
      try {
        const out = await codec[op](payloads.map(fromJson));
        res.json({ payloads: out.map(toJson) });
      } catch {
        throw unprocessable(`These payloads cannot be ${op}d with the configured keys.`);
      }
    });
  }
  return router;
}
