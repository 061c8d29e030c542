// /connexion: one field, `email`, and the same answer whether or not the
// address is a member's; the link it sends opens a page whose button posts
// it. /deconnexion ends the session.
import { Router, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { sendAccountEmail } from '../../api/account-mail';
import type { Limits } from '../../api/limits';
import { findActiveMember } from '../../api/members';
import { signInLinkEmail } from '../../mail/templates/accounts';
import type { Db } from '../../prisma/client';
import { render } from '../render';
import { closeSession, openSession, SESSION_COOKIE, sessionCookieOptions } from '../sessions';
import { issueSignInLink, isUsableLink, LINK_LIFETIME_MINUTES, useSignInLink } from '../sign-in-links';
import type { WebDeps } from '../server';

export type SignInLimits = Pick<Limits, 'signInPerClient' | 'signInPerAddress' | 'windowMs'>;

const Email = z.email().max(254);
const EMAIL_ERROR = 'Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.';

function limiter(limit: number, windowMs: number, key?: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(key ? { keyGenerator: key } : {}),
    handler: (_req, res) =>
      render(
        res,
        'message',
        {
          title: 'Trop de demandes',
          message: 'Trop de demandes de lien de connexion. Patientez quelques minutes avant de recommencer.',
          severity: 'error',
        },
        429,
      ),
  });
}

const addressKey = (req: Request) =>
  `address:${String((req.body as Record<string, unknown>).email ?? '')
    .trim()
    .toLowerCase()}`;

/** Finds the member and mails the link, after the answer: its timing tells nothing. */
async function sendLink(deps: WebDeps, email: string): Promise<void> {
  const member = await findActiveMember(deps.db, email);
  if (!member) return;
  const token = await issueSignInLink(deps.db, member.id);
  await sendAccountEmail(
    deps.mail,
    member.email,
    'sign-in-link',
    signInLinkEmail({
      name: member.name,
      link: `${deps.publicBaseUrl}/connexion/${token}`,
      minutes: LINK_LIFETIME_MINUTES,
    }),
  );
}

export function signInRoutes(deps: WebDeps, secure: boolean): Router {
  const router = Router();
  const { signInPerClient, signInPerAddress, windowMs } = deps.signInLimits;

  router.get('/', (req, res) => {
    if (req.member) return res.redirect(303, '/parcours');
    render(res, 'sign-in', { signedOut: req.query.deconnexion === 'ok' });
  });

  router.post(
    '/',
    limiter(signInPerClient, windowMs),
    limiter(signInPerAddress, windowMs, addressKey),
    (req, res) => {
      const raw = String((req.body as Record<string, unknown>).email ?? '').trim();
      const email = Email.safeParse(raw);
      if (!email.success) {
        const errors = {
          fields: { email: EMAIL_ERROR },
          summary: [{ field: 'email', message: EMAIL_ERROR }],
        };
        return render(res, 'sign-in', { email: raw, errors }, 400);
      }
      sendLink(deps, email.data).catch((err: unknown) =>
        deps.log(`sign-in link not sent: ${err instanceof Error ? err.name : 'error'}`),
      );
      render(res, 'sign-in-sent', { minutes: LINK_LIFETIME_MINUTES });
    },
  );

  router.get('/:token', async (req, res) => {
    if (!(await isUsableLink(deps.db, req.params.token))) return render(res, 'sign-in-expired', {}, 410);
    render(res, 'sign-in-confirm', { action: `/connexion/${req.params.token}` });
  });

  router.post('/:token', async (req, res) => {
    const memberId = await useSignInLink(deps.db, req.params.token);
    if (!memberId) return render(res, 'sign-in-expired', {}, 410);
    // A new session, never one that was there before the sign-in.
    await closeSession(deps.db, (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE]);
    res.cookie(SESSION_COOKIE, await openSession(deps.db, memberId), sessionCookieOptions(secure));
    res.redirect(303, '/parcours');
  });

  return router;
}

export function signOut(db: Db, secure: boolean): RequestHandler {
  return (req, res, next) => {
    closeSession(db, (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE])
      .then(() => {
        res.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure));
        res.redirect(303, '/connexion?deconnexion=ok');
      })
      .catch(next);
  };
}
