// Who is calling: an organisation's API key, or the bootstrap admin key.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../prisma/client';
import type { Actor, Role } from '../domain/transitions';
import type { AuditActor } from '../store/audit';
import { safeEqual, verifyKey } from './api-keys';
import { forbidden, unauthorized } from './problem';

export interface Caller {
  type: Exclude<Role, 'learner'>;
  /** The caller's organisation; null for the admin key. */
  orgId: string | null;
  /** The bootstrap ADMIN_API_KEY: manager rights, and may create organisations. */
  admin: boolean;
  /** The API key that called, when it was an organisation's key. */
  keyId?: string;
  /** The member signed in to the web app, when it was a person. */
  memberId?: string;
}

/** The caller as the workflow records it: the organisation, and the key or the member. */
export function actorOf(c: Caller): Actor {
  return {
    type: c.type,
    orgId: c.orgId ?? undefined,
    ...(c.keyId ? { keyId: c.keyId } : {}),
    ...(c.memberId ? { memberId: c.memberId } : {}),
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

export function authenticate(db: Db, adminApiKey?: string): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m?.[1]) return next(unauthorized());
    const key = m[1];
    if (adminApiKey && safeEqual(key, adminApiKey)) {
      req.caller = { type: 'manager', orgId: null, admin: true };
      return next();
    }
    verifyKey(db, key)
      .then(async (row) => {
        if (!row) return next(unauthorized('This API key is unknown or revoked.'));
        req.caller = {
          type: row.organization.type,
          orgId: row.organizationId,
          admin: false,
          keyId: row.id,
        };
        // Last use, at most once a minute per key, never failing the request.
        if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
          await db.apiKey
            .update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
            .catch(() => undefined);
        }
        next();
      })
      .catch(next);
  };
}

/** The caller as the audit log names it. */
export function auditActorOf(c: Caller): AuditActor {
  return { actorType: c.admin ? 'admin' : c.type, actorId: c.orgId };
}

export function caller(req: Request): Caller {
  if (!req.caller) throw unauthorized();
  return req.caller;
}

/** 403 unless the caller has one of these roles. */
export function assertRole(c: Caller, ...roles: Caller['type'][]): void {
  if (!roles.includes(c.type)) throw forbidden(`This route is for ${roles.join(' or ')} keys.`);
}

/** Only these roles may call the route. */
export function requireRole(...roles: Caller['type'][]): RequestHandler {
  return (req, _res, next) => {
    const c = req.caller;
    if (!c) return next(unauthorized());
    try {
      assertRole(c, ...roles);
    } catch (err) {
      return next(err);
    }
    next();
  };
}
