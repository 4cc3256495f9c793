/**
 * Waits for the number of open watches on the sandbox API server to reach a state, so a test can make its change
 * after a client (kubectl `wait`, `delete`) has established its watch and thereby exercise the watch path, not
 * the client's initial GET. The hub offers no event for a new subscriber, so this is the suite's one bounded poll.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ApiServer } from '../../apiserver/server.ts';

/** Resolves once `accept(subscriberCount)` holds; rejects naming `what` after `timeoutMs`. */
export async function untilWatchers(
  api: ApiServer,
  accept: (count: number) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!accept(api.store.hub.subscriberCount)) {
    if (Date.now() > deadline)
      throw new Error(`expected ${what} within ${timeoutMs} ms (open watches: ${api.store.hub.subscriberCount})`);
    await delay(20);
  }
}
