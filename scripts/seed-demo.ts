// First run of `npm start`: demo organisations and their keys, so that the
// README walk-through works at once. Does nothing once organisations exist.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createOrganization } from '../api/organizations';
import { loadConfig } from '../config/env';
import { createDb } from '../prisma/client';

const DEMO = [
  { type: 'manager', name: 'GEN — équipe nationale (démo)', email: 'pilotage@gen.demo', region: 'National' },
  {
    type: 'agency',
    name: 'Mission Locale de Saint-Denis (démo)',
    email: 'orientation@ml-saint-denis.demo',
    region: 'Île-de-France',
    department: '93',
    agencyKind: 'mission_locale',
  },
  {
    type: 'fabrique',
    name: 'Fabrique numérique de Saint-Denis (démo)',
    email: 'contact@fabrique-saint-denis.demo',
    region: 'Île-de-France',
    department: '93',
  },
  {
    type: 'fabrique',
    name: 'Fabrique numérique de Roubaix (démo)',
    email: 'contact@fabrique-roubaix.demo',
    region: 'Hauts-de-France',
    department: '59',
  },
] as const;

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    if ((await db.organization.count()) > 0) return;
    const keys: Record<string, { id: string; name: string; apiKey: string }> = {};
    for (const org of DEMO) {
      const { org: row, apiKey } = await createOrganization(db, { ...org });
      const label =
        org.type === 'fabrique' ? (org.name.includes('Roubaix') ? 'fabrique2' : 'fabrique') : org.type;
      keys[label] = { id: row.id, name: row.name, apiKey };
    }
    const file = path.join(config.dataDir, 'demo-keys.json');
    writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
    console.log(`\n[seed] Demo organisations created (keys also in ${path.relative(process.cwd(), file)}):`);
    for (const [label, k] of Object.entries(keys)) {
      console.log(`  ${label.padEnd(9)} ${k.id}  ${k.apiKey}   ${k.name}`);
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`[seed] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
