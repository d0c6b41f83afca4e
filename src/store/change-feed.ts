/**
 * Announcements that something changed in a shared store, heard by every
 * process sharing it: how a waiter on one replica learns at once that
 * another replica decided its approval.
 *
 * @module
 */

/**
 * A store's change announcements. Topics are short names (`approval`); keys
 * name what changed under the topic (an approval id).
 *
 * @remarks Delivery is best effort: an announcement made while a process's
 * listening connection is down is not replayed. Waiters therefore always
 * re-read the store after waking and keep polling as a fallback (often
 * while {@link ChangeFeed.live} is false, rarely while it is true).
 */
export interface ChangeFeed {
  /** Calls `listener` with the key of each change announced on `topic`, until the returned function is called. */
  subscribe(topic: string, listener: (key: string) => void): () => void
  /** Announces changes of `keys` under `topic` to every process (this one included). */
  publish(topic: string, keys: readonly string[]): Promise<void>
  /** Whether this process is listening now. */
  readonly live: boolean
}

/** Topic under which approval status changes are announced, keyed by approval id. */
export const APPROVAL_TOPIC = 'approval'
/** Topic under which freezes and lifts are announced, keyed by freeze id. */
export const FREEZE_TOPIC = 'freeze'
/** Topic under which a policy reload is announced, keyed by the new set's content hash. */
export const POLICY_TOPIC = 'policy'
