// Whose journey it is: an agency acts on the journeys it referred, a fabrique
// on those at it; managers, the learner (through a personal link) and timers
// on any. The workflow refuses actions by this rule and the API scopes its
// reads by it.
import type { ActorType } from './transitions';

/** The journey field naming the organisation a role acts for; null when the role acts on every journey. */
export const OWNER_FIELD = {
  agency: 'agencyId',
  fabrique: 'fabriqueId',
  manager: null,
  learner: null,
  system: null,
} as const satisfies Record<ActorType, 'agencyId' | 'fabriqueId' | null>;

export interface JourneyOwners {
  agencyId: string;
  fabriqueId: string;
}

/** Whether this actor may see and act on the journey. */
export function ownsJourney(
  actor: { type: ActorType; orgId?: string | null },
  journey: JourneyOwners,
): boolean {
  const field = OWNER_FIELD[actor.type];
  return field === null || journey[field] === actor.orgId;
}

/** Why a journey is not the actor's, in the actor's terms. */
export function notOwnedMessage(actor: { type: ActorType }): string {
  return actor.type === 'agency'
    ? 'this journey was referred by another agency'
    : 'this journey is at another fabrique';
}
