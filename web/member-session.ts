// Who is signed in: the session cookie's member, as a Caller with the rights
// of an API key of their organisation.
import type { Request, RequestHandler } from 'express';
import type { Db } from '../prisma/client';
import { ROLE_LABELS } from './labels';
import { findSessionMember, memberCaller, SESSION_COOKIE, type SignedInMember } from './sessions';

declare module 'express-serve-static-core' {
  interface Request {
    member?: SignedInMember;
  }
}

export function loadMember(db: Db): RequestHandler {
  return (req, res, next) => {
    const token = (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE];
    findSessionMember(db, token)
      .then((member) => {
        if (member) {
          req.member = member;
          req.caller = memberCaller(member);
          res.locals.member = {
            name: member.name,
            organizationName: member.organization.name,
            role: member.organization.type,
            roleLabel: ROLE_LABELS[member.organization.type],
          };
        }
        next();
      })
      .catch(next);
  };
}

/** Pages that need a session send anyone without one to /connexion. */
export const requireMember: RequestHandler = (req, res, next) => {
  if (!req.member) return res.redirect(303, '/connexion');
  next();
};

export function signedIn(req: Request): SignedInMember {
  if (!req.member) throw new Error('requireMember must run first');
  return req.member;
}
