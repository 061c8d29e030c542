// Heartbeats while an activity works (a slow SMTP server or endpoint
// included), so that Temporal tells a live attempt from one whose worker died
// by its heartbeat timeout, without waiting out the whole start-to-close timeout.
//
// The heartbeat timeout runs from the attempt's start, so an attempt needs
// its first heartbeat only some time before that timeout: it beats every
// half of it. An attempt done within that half (nearly every email and
// webhook) sends none. Each heartbeat is a write of the workflow's state on
// the Temporal server: beating every second, emails slowed by a busy worker
// cost two such writes per referral (`npm run bench`).
import { Context } from '@temporalio/activity';

/** Used when the activity was started without a heartbeat timeout. */
const DEFAULT_BEAT_MS = 5_000;

export async function whileBeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timeout = context.info.heartbeatTimeoutMs;
  const beat = setInterval(() => context.heartbeat(), timeout ? timeout / 2 : DEFAULT_BEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
