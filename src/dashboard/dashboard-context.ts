import type { Airlock, TargetSource } from '../airlock.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import type { Principal } from '../identity/principal.js'
import type { PolicyEngine } from '../policy/policy-engine.js'
import type { ChainStatus } from './chain-status.js'
import type { Session, SessionStore } from './session-store.js'

/** What every dashboard route needs. */
export interface DashboardContext {
  readonly airlock: Airlock
  readonly backends: readonly AuthBackend[]
  /** Full mount path without a trailing slash, e.g. `/ui`. */
  readonly base: string
  readonly sessions: SessionStore
  readonly chain: ChainStatus
  readonly engine: PolicyEngine
  readonly targets: TargetSource | undefined
  readonly approver_roles: readonly string[]
  readonly auditor_roles: readonly string[]
  readonly secure_cookies: boolean | undefined
  readonly poll_interval_ms: number
  readonly demo: boolean
}

/** Hono environment of the dashboard app. */
export type DashboardEnv = { Variables: { session: Session } }

/** What a signed-in user may open. */
export type Capability = 'decide' | 'view'

/** Whether the principal holds a role that grants `capability`. */
export function can(ctx: DashboardContext, principal: Principal, capability: Capability): boolean {
  const roles = capability === 'decide' ? ctx.approver_roles : [...ctx.approver_roles, ...ctx.auditor_roles]
  return principal.roles.some((r) => roles.includes(r))
}

/** The roles that grant `capability`, for messages. */
export function rolesFor(ctx: DashboardContext, capability: Capability): readonly string[] {
  return capability === 'decide' ? ctx.approver_roles : [...ctx.approver_roles, ...ctx.auditor_roles]
}
