import type { Airlock } from '../../airlock.js'

/** What route factories need. */
export interface RouteDeps {
  readonly airlock: Airlock
  readonly max_page_size: number
  /** Normalised: `''` at the root, else `/prefix` without a trailing slash. */
  readonly base_path: string
}

/** Page size when the caller gives none. */
export function defaultLimit(deps: RouteDeps): number {
  return Math.min(50, deps.max_page_size)
}
