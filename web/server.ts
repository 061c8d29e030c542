// The web app for people, served by the API process: sign-in by emailed link,
// the journeys (and their CSV export), their actions, referrals (one by one
// or from a CSV file), the dashboard, organisations (all of them for managers,
// each member's own) and the emails that need a person. Each group of pages gets the same stack: cookies, form bodies,
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
import { emailsToReviewRoutes } from './routes/emails-to-review';
import { home } from './routes/home';
import { journeyPageRoutes } from './routes/journeys';
import { organizationPageRoutes, organizationRoutes } from './routes/organizations';
import { MINE } from './views/organizations';
import { referralRoutes } from './routes/referral';
import { agencyOnly, receiveUpload, referralImportRoutes } from './routes/referral-import';
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
  const csp = helmet.contentSecurityPolicy({ useDefaults: false, directives: PAGE_CSP });
  const withToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = csrf.token(req, res);
    next();
  };
  const page: RequestHandler[] = [
    csp,
    cookieParser(),
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
    loadMember(deps.db),
    csrf.protect,
    withToken,
  ];
  // The import's form is multipart: it is read (only for a signed-in agency's
  // member) before its CSRF token can be checked.
  const uploadPage: RequestHandler[] = [
    csp,
    cookieParser(),
    loadMember(deps.db),
    requireMember,
    withToken, // for the error page of anyone but an agency's member
    agencyOnly,
    receiveUpload,
    csrf.protect,
    withToken,
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
  router.use('/orienter/import', ...uploadPage, referralImportRoutes(deps), noPage, errors);
  router.use('/orienter', ...page, requireMember, referralRoutes(deps), noPage, errors);
  router.use('/organisations', ...page, requireMember, organizationRoutes(deps), noPage, errors);
  router.use('/mon-organisation', ...page, requireMember, organizationPageRoutes(deps, MINE), noPage, errors);
  router.use('/courriels', ...page, requireMember, emailsToReviewRoutes(deps), noPage, errors);
  router.get('/', ...page, home, errors);
  return router;
}
