// The README's integration, as an agency's software would write it: refer a
// learner from its own file (`dossierId`), read the journey. test/api.test.ts runs it against a real API and
// checks that the README shows these very lines.
import { createParcoursClient, type components } from './index';

type Learner = components['schemas']['CreateJourney']['learner'];

export async function referAndRead(
  baseUrl: string,
  apiKey: string,
  fabriqueId: string,
  learner: Learner,
  dossierId: string,
) {
  // README begin
  const parcours = createParcoursClient(baseUrl, apiKey); // https://…, the agency's key
  const referred = await parcours.POST('/v1/journeys', {
    params: { header: { 'Idempotency-Key': `dossier-${dossierId}` } }, // a retry gives the same journey
    body: { learner, fabriqueId },
  });
  if (referred.error) throw new Error(`${referred.error.status} ${referred.error.detail}`); // problem+json
  const { data: journey } = await parcours.GET('/v1/journeys/{id}', {
    params: { path: { id: referred.data.id } },
  });
  console.log(journey?.status, journey?.nextDeadline, journey?.allowedActions); // referred, …
  // README end
  return journey;
}
