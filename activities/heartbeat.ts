// Heartbeats while an activity works (a slow SMTP server or endpoint
// included), so that Temporal tells a live attempt from one whose worker died
// by its heartbeat timeout, without waiting out the whole start-to-close timeout.
// The heartbeat timeout runs from the attempt's start, so a send done within
// the first second needs no heartbeat at all: none is sent before then, which
// spares the server a write per email.
import { Context } from '@temporalio/activity';

export async function whileBeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
