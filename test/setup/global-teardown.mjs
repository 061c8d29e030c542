export default async function globalTeardown() {
  await globalThis.__parcoursTemporal?.stop();
}
