#!/usr/bin/env node
// `npm run db:generate`: regenerates the Prisma client after a schema change.
import { utimesSync } from 'node:fs';
import { ensureDependencies } from './lib/deps.mjs';

utimesSync('prisma/schema.prisma', new Date(), new Date());
ensureDependencies();
