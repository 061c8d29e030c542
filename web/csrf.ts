// CSRF protection of every form, signed in or not: csrf-csrf's double-submit
// tokens, bound by HMAC to the session cookie (or to "no session" on the
// sign-in pages), carried by a hidden `_csrf` input.
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { SESSION_COOKIE } from './sessions';

export interface Csrf {
  /** The token to put in the page's forms (sets its cookie when needed). */
  token(req: Request, res: Response): string;
  /** Refuses a POST whose `_csrf` does not match its cookie and session. */
  protect: RequestHandler;
}

/** `secret` must be the same in every API process; without one, each process draws its own. */
export function createCsrf(options: { secret?: string; secure: boolean }): Csrf {
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => String((req.cookies as Record<string, unknown>)[SESSION_COOKIE] ?? ''),
    cookieName: options.secure ? '__Host-parcours.csrf' : 'parcours.csrf',
    cookieOptions: { sameSite: 'strict', path: '/', secure: options.secure, httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  return {
    token: (req, res) => generateCsrfToken(req, res),
    protect: doubleCsrfProtection,
  };
}
