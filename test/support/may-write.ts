// Which fuzz requests could succeed and change data. They are left out, so
// that every request the fuzz sends is one the API must refuse, and the row
// counts cannot move. Conservative: in doubt, a request may write.
import type { z } from 'zod';
import { ACTION_BODIES, CreateJourney, CreateOrganization, FollowUpAnswer } from '../../api/schemas';
import { FOLLOW_UP_OUTCOMES } from '../../domain/codes';
import { ACTIONS, TRANSITIONS, type ActionName, type Role } from '../../domain/transitions';
import type { FuzzRequest, KeyOwner } from './fuzz-requests';

const ROLE_OF: Record<KeyOwner, Role | null> = {
  agency: 'agency',
  agency2: 'agency',
  fabrique: 'fabrique',
  fabrique2: 'fabrique',
  manager: 'manager',
  admin: 'manager',
  none: null,
  garbage: null,
};

/** Whether the server accepts the Idempotency-Key header (trimmed, as it reaches it), or there is none. */
export function acceptedIdempotencyKey(headers: Record<string, string>): boolean {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return true;
  return /^[\x21-\x7e]{1,200}$/.test(raw.replace(/^[\t ]+|[\t ]+$/g, ''));
}

/** What a route may see as its body: nothing, `{}`, or the text parsed as JSON. */
function seenBodies(text: string | undefined): unknown[] {
  const seen: unknown[] = [undefined, {}];
  if (text !== undefined) {
    try {
      seen.push(JSON.parse(text));
    } catch {
      // not JSON: the route sees no body
    }
  }
  return seen;
}

const anyValid = (schema: z.ZodType, text: string | undefined) =>
  seenBodies(text).some((b) => schema.safeParse(b).success);

/** Url-encoded text in which an accepted outcome could be read, escapes decoded. */
function formMayAnswer(text: string | undefined): boolean {
  if (text === undefined) return false;
  const decoded = text
    .replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .toLowerCase();
  return FOLLOW_UP_OUTCOMES.codes.some((code) => code !== 'unknown' && decoded.includes(code));
}

/** Whether a valid key allowed on an existing resource, with a body that could pass, is sent. */
export function mayWrite(r: FuzzRequest): boolean {
  const t = r.target;
  const role = ROLE_OF[t.owner];
  const manager = role === 'manager';
  switch (t.route) {
    case 'create-journey':
      return (
        r.method === 'POST' &&
        role === 'agency' &&
        anyValid(CreateJourney, r.body) &&
        acceptedIdempotencyKey(r.headers)
      );
    case 'create-organization':
      return r.method === 'POST' && t.owner === 'admin' && anyValid(CreateOrganization, r.body);
    case 'issue-key':
    case 'keys': // the listing's path, by POST, issues a key
      return r.method === 'POST' && manager && t.real === true;
    case 'revoke-key':
      return r.method === 'DELETE' && manager && t.real === true;
    case 'learner':
      // An export writes an audit entry; an erasure erases.
      return r.method !== 'DELETE' && manager && t.real === true;
    case 'follow-up': {
      const form = (r.headers['content-type'] ?? '').toLowerCase().includes('urlencoded');
      return (
        r.method === 'POST' &&
        t.real === true &&
        (anyValid(FollowUpAnswer, r.body) || (form && formMayAnswer(r.body)))
      );
    }
    case 'action': {
      if (
        r.method !== 'POST' ||
        !t.real ||
        !role ||
        !(ACTIONS as readonly string[]).includes(t.action ?? '')
      ) {
        return false;
      }
      const rule = TRANSITIONS[t.action as ActionName];
      const sees =
        manager ||
        (t.journey === 'mine' && (t.owner === 'agency' || t.owner === 'fabrique')) ||
        (t.journey === 'foreign' && (t.owner === 'agency2' || t.owner === 'fabrique2'));
      // Allowed from `referred`, where the fixture journeys stay: it could succeed.
      return (
        sees &&
        rule.who.includes(role) &&
        rule.from.includes('referred') &&
        anyValid(ACTION_BODIES[t.action as ActionName], r.body)
      );
    }
    default:
      return false;
  }
}
