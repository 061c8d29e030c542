// First run of `npm start`: demo organisations and their keys, so that the
// README walk-through works at once, and one member per demo organisation,
// who signs in to the web app. Does nothing once they exist.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createOrganization } from '../api/organizations';
import { audit } from '../store/audit';
import { loadConfig } from '../config/env';
import { createDb, type Db } from '../prisma/client';

/** The demo organisation's member, by the organisation's email. */
const DEMO_MEMBERS: Record<string, { name: string; email: string }> = {
  'pilotage@gen.demo': { name: 'Nadia Pilote', email: 'nadia.pilote@gen.demo' },
  'orientation@ml-saint-denis.demo': { name: 'Claire Martin', email: 'claire.martin@ml-saint-denis.demo' },
  'contact@fabrique-saint-denis.demo': {
    name: 'Karim Benali',
    email: 'karim.benali@fabrique-saint-denis.demo',
  },
  'contact@fabrique-roubaix.demo': { name: 'Julie Lefebvre', email: 'julie.lefebvre@fabrique-roubaix.demo' },
};

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
    await seedOrganizations(db, config.dataDir);
    await seedMembers(db, config.dataDir);
  } finally {
    await db.$disconnect();
  }
}

async function seedOrganizations(db: Db, dataDir: string): Promise<void> {
  if ((await db.organization.count()) > 0) return;
  const keys: Record<string, { id: string; name: string; apiKey: string }> = {};
  for (const org of DEMO) {
    const { org: row, apiKey } = await createOrganization(db, { ...org });
    const label =
      org.type === 'fabrique' ? (org.name.includes('Roubaix') ? 'fabrique2' : 'fabrique') : org.type;
    keys[label] = { id: row.id, name: row.name, apiKey };
  }
  const file = path.join(dataDir, 'demo-keys.json');
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  console.log(`\n[seed] Demo organisations created (keys also in ${path.relative(process.cwd(), file)}):`);
  for (const [label, k] of Object.entries(keys)) {
    console.log(`  ${label.padEnd(9)} ${k.id}  ${k.apiKey}   ${k.name}`);
  }
}

/** One member per demo organisation, once; their addresses go to demo-members.json. */
async function seedMembers(db: Db, dataDir: string): Promise<void> {
  if ((await db.member.count()) > 0) return;
  const orgs = await db.organization.findMany({ where: { email: { in: Object.keys(DEMO_MEMBERS) } } });
  if (orgs.length === 0) return;
  const members: { organization: string; name: string; email: string }[] = [];
  for (const org of orgs) {
    const demo = DEMO_MEMBERS[org.email];
    if (!demo) continue;
    const row = await db.member.create({ data: { organizationId: org.id, ...demo } });
    await audit(db, { actorType: 'admin', actorId: null }, 'member.add', org.id, { memberId: row.id });
    members.push({ organization: org.name, ...demo });
  }
  const file = path.join(dataDir, 'demo-members.json');
  writeFileSync(file, JSON.stringify(members, null, 2) + '\n', { mode: 0o600 });
  console.log(
    `\n[seed] Demo members, who sign in to the web app (also in ${path.relative(process.cwd(), file)}):`,
  );
  for (const m of members) console.log(`  ${m.email.padEnd(42)} ${m.organization}`);
  console.log(
    '  Sign in: open /connexion, type one of these addresses, then open the link in the newest .eml file of the mail folder ' +
      'titled "Votre lien de connexion à Parcours".',
  );
}

main().catch((err: unknown) => {
  console.error(`[seed] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
