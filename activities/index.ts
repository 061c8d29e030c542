// The journey's activities, built from their dependencies so that tests pass
// real ones (a test database, an in-process SMTP server) without module mocks.
import type { Db } from '../prisma/client';
import type { JourneyActivities } from '../workflows/activity-types';
import { createJournal } from './journal';
import type { Mailer } from '../mail/mailer';
import { createNotifier, type NotifyDeps } from './notify';
import { createPrivacy } from '../store/privacy';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
  publicBaseUrl: string;
  log?: (message: string) => void;
  afterHandOff?: NotifyDeps['afterHandOff'];
}

export function createActivities(deps: ActivityDeps): JourneyActivities {
  return {
    ...createJournal(deps.db),
    ...createNotifier(deps),
    ...createPrivacy(deps.db, deps.mailer.copies),
  };
}
