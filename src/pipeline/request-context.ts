/**
 * The values that flow between stages: a request as identified, then as
 * authorized. Stages read these and return a new value or a finished
 * `Outcome`; none mutates one it was given.
 *
 * @module
 */
import type { Principal } from '../identity/principal.js'
import type { DenialCode } from '../outcome.js'
import type { Evaluation } from '../policy/decide.js'
import type { Decision } from '../policy/decision.js'

/** A request once the caller is known (the identify stage's output). */
export interface RequestContext {
  readonly request_id: string
  readonly principal: Principal
  readonly action: string
  /** The inputs as the caller sent them. */
  readonly inputs: Record<string, unknown>
  readonly target: string | null
  readonly idempotency_key: string | null
  readonly ticket_id: string | null
  readonly signal: AbortSignal | undefined
}

/** A request once resolve, validate and authorize have spoken. */
export interface AuthorizedRequest {
  /** The resolved action, target and validated inputs. */
  readonly evaluation: Evaluation
  readonly decision: Decision
  /** Why it was denied, when it was. */
  readonly code: DenialCode | null
  readonly retry_after_s?: number
  /** Facts the audit record keeps about how the decision was reached (limits, cumulative risk). */
  readonly context: Record<string, unknown>
}
