/**
 * The policy version last announced by a replica that reloaded, so replicas
 * sharing the store notice a reload and reload too.
 *
 * @module
 */

/** One announcement: which set a replica loaded. */
export interface PolicyHead {
  /** The full content hash. */
  readonly hash: string
  readonly version: string
  readonly label: string | null
  /** Who announced it (a replica or an admin). */
  readonly announced_by: string
  readonly announced_at: string
}

export interface PolicyHeadStore {
  /** Replaces the announcement; the last writer wins. */
  announce(head: PolicyHead): Promise<void>
  /** The last announcement, or null if none was made. */
  head(): Promise<PolicyHead | null>
}
