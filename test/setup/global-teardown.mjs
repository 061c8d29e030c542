import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  await globalThis.__parcoursTemporal?.stop();
  if (globalThis.__parcoursBundle) await rm(globalThis.__parcoursBundle, { force: true });
}
