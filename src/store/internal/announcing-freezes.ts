/**
 * A freeze store and a policy head that announce each change on a change
 * feed, so every replica applies a freeze or follows a reload at once
 * instead of at its next poll.
 *
 * @module
 */
import { type ChangeFeed, FREEZE_TOPIC, POLICY_TOPIC } from '../change-feed.js'
import type { FreezeStore } from '../freeze-store.js'
import type { PolicyHeadStore } from '../policy-head-store.js'

// Announced after the write is committed, so a listener woken by it reads the new state.
// A failed announcement is not an error of the write: listeners fall back to polling.
const announce = (feed: ChangeFeed, topic: string, key: string) =>
  feed.publish(topic, [key]).catch(() => undefined)

/** `freezes` with every freeze and lift announced under {@link FREEZE_TOPIC}. */
export function announcingFreezes(freezes: FreezeStore, feed: ChangeFeed): FreezeStore {
  return {
    ...freezes,
    async add(freeze) {
      const stored = await freezes.add(freeze)
      await announce(feed, FREEZE_TOPIC, stored.id)
      return stored
    },
    async lift(id, by, at) {
      const lifted = await freezes.lift(id, by, at)
      if (lifted !== null) await announce(feed, FREEZE_TOPIC, lifted.id)
      return lifted
    },
  }
}

/** `head` with every announcement also published under {@link POLICY_TOPIC}. */
export function announcingPolicyHead(head: PolicyHeadStore, feed: ChangeFeed): PolicyHeadStore {
  return {
    ...head,
    async announce(next) {
      await head.announce(next)
      await announce(feed, POLICY_TOPIC, next.hash)
    },
  }
}
