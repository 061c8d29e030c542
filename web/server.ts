// The web app for people, served by the API process: sign-in by emailed link,
// the journeys (and their CSV export), their actions, referrals, the
// dashboard. Each group of pages gets the same stack: cookies, form bodies,
// the signed-in member, CSRF on every POST, and errors shown as pages.
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { PAGE_CSP } from './csp';
import type { AccountMail } from '../api/account-mail';
import type { JourneyDeps } from '../api/journey-actions';
import { notFound } from '../api/problem';
import { createCsrf } from './csrf';
import { loadMember, requireMember } from './member-session';
import { pageErrors } from './page-errors';
import { actionRoutes } from './routes/actions';
import { dashboardRoutes } from './routes/dashboard';
import { journeysCsv } from './routes/journeys-csv';
import { home } from './routes/home';
import { journeyPageRoutes } from './routes/journeys';
import { referralRoutes } from './routes/referral';
import { signInRoutes, signOut, type SignInLimits } from './routes/sign-in';

export interface WebDeps extends JourneyDeps {
  mail: AccountMail;
  publicBaseUrl: string;
  /** Signs CSRF tokens; the same in every API process (CSRF_SECRET). */
  csrfSecret?: string;
  signInLimits: SignInLimits;
  /** Learners started the network aims for (STATS_TARGET), shown on the dashboard. */
  startedTarget: number;
  log: (message: string) => void;
}

const DSFR_DIST = path.dirname(require.resolve('@gouvfr/dsfr/dist/dsfr.min.css'));
// The dashboard's charts: the DSFR's own chart library, served as it ships.
const DSFR_CHART_DIST = path.dirname(require.resolve('@gouvfr/dsfr-chart/dist/DSFRChart/DSFRChart.css'));

export function webRoutes(deps: WebDeps): Router {
  const router = Router();
  const secure = deps.publicBaseUrl.startsWith('https:');
  const csrf = createCsrf({ secret: deps.csrfSecret, secure });
  const page: RequestHandler[] = [
    helmet.contentSecurityPolicy({ useDefaults: false, directives: PAGE_CSP }),
    cookieParser(),
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
    loadMember(deps.db),
    csrf.protect,
    (req, res, next) => {
      res.locals.csrfToken = csrf.token(req, res);
      next();
    },
  ];
  const errors = pageErrors(deps.log);
  // A path under the app's pages that names none is "Page introuvable", not the API's JSON.
  const noPage: RequestHandler = (_req, _res, next) => next(notFound('No such page.'));

  router.use('/dsfr', express.static(DSFR_DIST, { index: false, maxAge: '1d', fallthrough: false }));
  router.use(
    '/dsfr-chart',
    express.static(DSFR_CHART_DIST, { index: false, maxAge: '1d', fallthrough: false }),
  );
  router.use('/connexion', ...page, signInRoutes(deps, secure), noPage, errors);
  router.post('/deconnexion', ...page, signOut(deps.db, secure), errors);
  router.use(
    '/parcours',
    ...page,
    requireMember,
    journeyPageRoutes(deps),
    actionRoutes(deps),
    noPage,
    errors,
  );
  router.get('/parcours.csv', ...page, requireMember, journeysCsv(deps), errors);
  router.use('/tableau-de-bord', ...page, requireMember, dashboardRoutes(deps), noPage, errors);
  router.use('/orienter', ...page, requireMember, referralRoutes(deps), noPage, errors);
  router.get('/', ...page, home, errors);
  return router;
}
