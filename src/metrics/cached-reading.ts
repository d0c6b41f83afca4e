/**
 * A store reading for a metrics scrape, reused for a few seconds so frequent
 * or concurrent scrapes cost at most one query per interval.
 *
 * @module
 */

/** Options of {@link cachedReading}. */
export interface CachedReadingOptions {
  /** How long a reading is reused, in milliseconds. */
  readonly ttl_ms: number
  /** The clock, in epoch milliseconds (injectable for tests). */
  readonly now?: () => number
}

/**
 * Wraps `read` so it runs at most once per `ttl_ms`; concurrent callers share
 * one read in flight.
 *
 * @remarks A failed read yields the last good value (undefined before the
 * first), because a scrape must not fail while the store is unreachable; the
 * store's own error metrics report the outage.
 */
export function cachedReading(
  read: () => Promise<number>,
  options: CachedReadingOptions,
): () => Promise<number | undefined> {
  const now = options.now ?? Date.now
  let last: number | undefined
  let readAt = Number.NEGATIVE_INFINITY
  let inFlight: Promise<number | undefined> | null = null
  const refresh = async (): Promise<number | undefined> => {
    try {
      last = await read()
    } catch {
      // Keep the last good value; see the remarks above.
    }
    readAt = now()
    return last
  }
  return async () => {
    if (now() - readAt < options.ttl_ms) return last
    inFlight ??= refresh().finally(() => {
      inFlight = null
    })
    return inFlight
  }
}
