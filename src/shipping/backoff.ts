/** How long to wait after consecutive failures. */
export interface BackoffOptions {
  /** Wait after the first failure. Default 1 s. */
  readonly initial_ms?: number
  /** Longest wait. Default 60 s. */
  readonly max_ms?: number
}

/**
 * The wait after the `failures`-th failure in a row: doubling from
 * `initial_ms` up to `max_ms`, with up to 20% taken off at random so that
 * replicas retrying one receiver spread out.
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}, random = Math.random): number {
  const initial = Math.max(1, options.initial_ms ?? 1_000)
  const max = Math.max(initial, options.max_ms ?? 60_000)
  const full = Math.min(max, initial * 2 ** Math.min(30, Math.max(0, failures - 1)))
  return Math.round(full * (1 - 0.2 * random()))
}
