/**
 * The collaborators every stage is handed: one plain object built once by
 * `createPipeline` and passed explicitly, so a stage's dependencies are its
 * parameters, never captured state.
 *
 * @module
 */

import type { ApprovalService } from '../approvals/approval-service.js'
import type { Sealer } from '../audit/seal.js'
import type { ExecutionRuntime } from '../executors/execution-runtime.js'
import type { IdempotencyGate } from '../idempotency/idempotency-gate.js'
import type { KeySet } from '../identity/tokens/key-set.js'
import type { Limits } from '../limits/create-limits.js'
import type { PolicyEngine } from '../policy/policy-engine.js'
import type { PolicyHolder } from '../policy/versioning/policy-holder.js'
import type { PolicySet } from '../policy/versioning/policy-set.js'
import type { Store } from '../store/store.js'
import type { StageTracer } from '../tracing/stage-tracer.js'
import type { FreezeGate } from './freeze/freeze-gate.js'
import type { ChannelNotifier } from './hold/channel-notifier.js'
import type { ShadowRun } from './policy/shadow.js'
import type { Recorder } from './record/recorder.js'
import type { ActionSource, TargetSource } from './resolve/sources.js'

/**
 * What the stages work with.
 *
 * @remarks `actions`, `targets`, `engine`, `policy_version` and `recorder`
 * come from one policy set: `atSnapshot` copies them from the holder once
 * per request, so a reload mid-request never mixes two versions.
 */
export interface PipelineDeps {
  /** The enforced set (and shadow candidate), swapped by a reload. */
  readonly policy: PolicyHolder
  /** The set this request runs under; null until `atSnapshot` captured one. */
  readonly snapshot: PolicySet | null
  readonly policy_version: string
  /** Where the shadow candidate is kept between requests (swapped by `policy.setShadow`). */
  readonly shadow_slot: { run: ShadowRun | null }
  /** The shadow candidate this request is also decided by, captured with the snapshot. */
  readonly shadow: ShadowRun | null
  readonly actions: ActionSource
  readonly targets: TargetSource
  readonly engine: PolicyEngine
  readonly unknown_actions: 'deny' | 'evaluate'
  readonly store: Store
  /** The kill switch's freezes in force, cached and refreshed from the store. */
  readonly freezes: FreezeGate
  readonly limits: Limits | undefined
  readonly gate: IdempotencyGate
  readonly approvals: ApprovalService
  readonly sealer: Sealer
  readonly recorder: Recorder
  readonly notifier: ChannelNotifier
  readonly keys: KeySet | undefined
  readonly tickets: { readonly ttl_s?: number; readonly audience?: string } | undefined
  readonly audit_checks: boolean
  /** Executors and credentials for actions without an in-process handler; none when not configured. */
  readonly execution: ExecutionRuntime | undefined
  /** Keys that sign the runner's own single-use tickets: the configured keys, or one made for this process. */
  readonly run_keys: () => Promise<KeySet>
  /** Spans around the stages of a request; `NO_TRACING` unless configured. */
  readonly tracer: StageTracer
  readonly now: () => Date
}

/** Ticket settings spread into an issuing call, leaving out what is not configured. */
export function ticketSettings(deps: Pick<PipelineDeps, 'tickets'>): { ttl_s?: number; audience?: string } {
  return {
    ...(deps.tickets?.ttl_s === undefined ? {} : { ttl_s: deps.tickets.ttl_s }),
    ...(deps.tickets?.audience === undefined ? {} : { audience: deps.tickets.audience }),
  }
}
