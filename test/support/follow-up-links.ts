// Live follow-up links, as a learner receives them: a journey taken through
// training to its exit, and the survey emails that follow. The stack's policy
// must send the surveys soon after the exit (FOLLOW_UP_SOON).
import { Inbox } from './smtp';
import { today, type TestStack } from './stack';
import type { TimingPolicy } from '../../domain/policy';

/** Both surveys at once after the exit, and nothing else for days. */
export const FOLLOW_UP_SOON: Partial<TimingPolicy> = { followUpOffsets: { '3m': 'PT1S', '6m': 'PT1S' } };

/** Refers a learner, takes the journey to `follow_up`; returns the paths of its two survey links. */
export async function liveFollowUpLinks(stack: TestStack, timeoutMs = 20_000): Promise<string[]> {
  const { fabrique } = stack.orgs;
  const j = await stack.refer();
  await stack.must(j.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 3 });
  await stack.must(j.id, 'confirm-start', fabrique.key, { startDate: today() });
  await stack.must(j.id, 'record-completion', fabrique.key, { date: today(), certified: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const surveys = stack.inbox.messages.filter(
      (m) => m.journeyId === j.id && m.template === 'follow-up-survey.learner',
    );
    const sent = await stack.db.followUp.count({ where: { journeyId: j.id, status: 'sent' } });
    if (surveys.length === 2 && sent === 2) return surveys.map((m) => Inbox.followUpPath(m));
    if (Date.now() > deadline) throw new Error(`journey ${j.id}: ${surveys.length} of 2 surveys sent`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
