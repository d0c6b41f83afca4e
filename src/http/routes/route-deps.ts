import type { Airlock } from '../../airlock.js'
import type { PolicyReloader } from '../../config/reload-policy.js'
import type { ReadRoles } from '../read-access.js'

/** What route factories need. */
export interface RouteDeps {
  readonly airlock: Airlock
  readonly max_page_size: number
  /** Normalised: `''` at the root, else `/prefix` without a trailing slash. */
  readonly base_path: string
  /** Roles that may reload policy, read the shadow report and freeze or unfreeze. */
  readonly admin_roles: readonly string[]
  /** Reloads the policy set from its files; absent when the gateway was not built from files. */
  readonly reload: PolicyReloader | undefined
  /** Roles that widen what a caller may read. */
  readonly read: ReadRoles
  /** Least time between two full chain scans started by `GET /audit/verify?fresh=true`. */
  readonly verify_interval_ms: number
}

/** Page size when the caller gives none. */
export function defaultLimit(deps: RouteDeps): number {
  return Math.min(50, deps.max_page_size)
}
