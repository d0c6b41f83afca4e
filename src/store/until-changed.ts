/**
 * Sleeping until a store announces a change, or a poll interval passes.
 *
 * @module
 */
import type { ChangeFeed } from './change-feed.js'

/** How often a waiter re-reads the store while no announcement can reach it. */
export const FALLBACK_POLL_MS = 100
/** How often it re-reads while announcements arrive: only for one lost while the listener reconnected. */
export const LIVE_POLL_MS = 1_000

/** A subscription that remembers whether `key` changed since it was taken or last waited on. */
export interface ChangeWatch {
  /**
   * Resolves when `key` changed (possibly before this call), after the poll
   * interval (`poll_ms` while the feed is not live, a longer one while it is),
   * at `max_ms`, or when `signal` aborts; never rejects.
   */
  next(max_ms: number, poll_ms?: number, signal?: AbortSignal): Promise<void>
  /** Stops listening. */
  close(): void
}

/**
 * Starts watching `topic`/`key` on `feed` (or just polls without one).
 * Take the watch before reading the store, so a change between the read and
 * the wait is not missed.
 */
export function watchChanges(feed: ChangeFeed | undefined, topic: string, key: string): ChangeWatch {
  let changed = false
  let wake: (() => void) | null = null
  const unsubscribe = feed?.subscribe(topic, (k) => {
    if (k !== key) return
    changed = true
    wake?.()
  })
  return {
    async next(max_ms, poll_ms = FALLBACK_POLL_MS, signal) {
      if (changed || signal?.aborted) {
        changed = false
        return
      }
      const interval = feed?.live ? Math.max(poll_ms, LIVE_POLL_MS) : poll_ms
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', done)
          wake = null
          resolve()
        }
        const timer = setTimeout(done, Math.max(1, Math.min(interval, max_ms)))
        signal?.addEventListener('abort', done, { once: true })
        wake = done
      })
      changed = false
    },
    close: () => unsubscribe?.(),
  }
}
