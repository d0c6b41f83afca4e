import type { TargetSource } from '../airlock.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import type { DecisionResult } from '../policy/decision.js'
import type { PolicyRule } from '../policy/policy-rule.js'

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /** The gateway's own backends: a pasted API key or JWT must pass them to start a session. */
  readonly auth: AuthBackend | readonly AuthBackend[]
  /** Where the dashboard is served, including any API base path, e.g. `/ui`. Links and cookies use it. */
  readonly path: string
  /** Roles that may open the approval inbox (the approvals' configured approver roles). Default `['approver']`. */
  readonly approver_roles?: readonly string[]
  /** Roles that may read the audit explorer, overview and policies besides approvers. Default `['auditor']`. */
  readonly auditor_roles?: readonly string[]
  /** The policy rules as loaded (for their order and file:line); without them the policies page lists none. */
  readonly rules?: readonly PolicyRule[]
  readonly default_decision?: DecisionResult
  /** The inventory, so the inbox can show each target's environment and sensitivity. */
  readonly targets?: TargetSource
  /** Longest a session lives. Default 8 h. */
  readonly session_ttl_ms?: number
  /** A session unused this long ends. Default 30 min. */
  readonly session_idle_ms?: number
  /** Force the cookie's `Secure` flag; by default it is set when the request came over HTTPS. */
  readonly secure_cookies?: boolean
  /** How long a chain verification stays fresh before the banner re-verifies. Default 30 s. */
  readonly verify_interval_ms?: number
  /** How often the inbox's live stream looks for changes. Default 1 s. */
  readonly poll_interval_ms?: number
  /** Shows a "demo data" badge on every page. */
  readonly demo?: boolean
}
