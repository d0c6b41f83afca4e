/**
 * The public shapes of a wired pipeline: its configuration, per-call
 * options and the `Airlock` interface the entry points (HTTP, CLI, guard)
 * program against. No behaviour lives here.
 *
 * @module
 */

import type { ActionDefinition } from '../actions/action-definition.js'
import type { ApprovalsConfig } from '../approvals/approval-service.js'
import type { Channel } from '../approvals/channels/channel.js'
import type { AuditEvent } from '../audit/audit-event.js'
import type { RedactionConfig } from '../audit/redact.js'
import type { SealerConfig } from '../audit/seal.js'
import type { ExecutorsConfig } from '../executors/execution-runtime.js'
import type { Dependency } from '../health/dependency.js'
import type { IdempotencyConfig } from '../idempotency/idempotency-gate.js'
import type { Principal } from '../identity/principal.js'
import type { KeySet } from '../identity/tokens/key-set.js'
import type { Target } from '../inventory/target.js'
import type { Limits } from '../limits/create-limits.js'
import type { DeniedOutcome, DryRunOutcome, Outcome } from '../outcome.js'
import type { Decision, DecisionResult } from '../policy/decision.js'
import type { PolicyEngine } from '../policy/policy-engine.js'
import type { PolicyRule } from '../policy/policy-rule.js'
import type { DifferenceReport } from '../policy/versioning/difference-report.js'
import type { PolicySet } from '../policy/versioning/policy-set.js'
import type { Freeze, FreezeScope } from '../store/freeze-store.js'
import type { Approval, ApprovalListOptions, AuditFilter, Page, Store } from '../store/store.js'
import type { StageTracer } from '../tracing/stage-tracer.js'
import type { ShadowHistoryOptions, ShadowHistoryReport } from './policy/shadow-history.js'
import type { FailedAuthentication } from './record/auth-failure-summary.js'
import type { ActionSource, TargetSource } from './resolve/sources.js'
import type { RollbackRun, RollbackRunOptions } from './rollback/rollback.js'
import type { RollbackPlan } from './rollback/rollback-plan.js'

/** Configuration of {@link createAirlock}. */
export type { FailedAuthentication } from './record/auth-failure-summary.js'

export interface AirlockConfig {
  /** The actions agents may ask for. */
  readonly actions?: readonly ActionDefinition[] | ActionSource
  /** Policy rules (loaded from files, templates or code) or a ready engine. Without any, every request is denied. */
  readonly policies?: readonly PolicyRule[] | PolicyEngine
  /** What happens when no rule matches. Default `deny`. */
  readonly default_decision?: DecisionResult
  readonly inventory?: readonly Target[] | TargetSource
  /** Where approvals, idempotency records, nonces and the audit chain live. Default: in memory. */
  readonly store?: Store
  readonly approvals?: ApprovalsConfig
  readonly idempotency?: IdempotencyConfig
  readonly redaction?: RedactionConfig
  /**
   * Keys that seal the original inputs of held requests. Required with a
   * durable store (a key generated at start would make pending approvals
   * unreadable after a restart); generated per process with the memory store.
   */
  readonly seal?: SealerConfig
  /** `deny` (default) or `evaluate` requests for actions that are not registered. */
  readonly unknown_actions?: 'deny' | 'evaluate'
  /** Rate limits, circuit breaker and cumulative risk (`createLimits`). None by default. */
  readonly limits?: Limits
  /** Dependencies besides the store (the limits' Redis) that readiness checks should report. */
  readonly dependencies?: readonly Dependency[]
  /**
   * Signing keys (`createKeySet`). With them, `check()` returns a signed,
   * single-use execution ticket on allow, and approvals can mint one ticket each.
   */
  readonly keys?: KeySet
  readonly tickets?: { readonly ttl_s?: number; readonly audience?: string }
  /** Write an audit event for advisory `check()` calls too. Default true. */
  readonly audit_checks?: boolean
  /**
   * How failed authentication reported through `audit.failedAuthentication`
   * is summarised: one `auth_failed` event per client address per
   * `window_ms` (default 60 s), for at most `max_sources` addresses (default
   * 100; the rest share one event).
   */
  readonly auth_failures?: { readonly window_ms?: number; readonly max_sources?: number }
  /**
   * Told about every request the pipeline holds for approval (webhook,
   * Slack, ...). Delivery runs in the background and is audited as
   * `notified`; a channel that obtains a decision itself has it applied as
   * any other decision would be.
   */
  readonly channels?: readonly Channel[]
  /** Called by `close()` after the store is closed: release what was opened for this pipeline (a Redis client). */
  readonly on_close?: () => Promise<void>
  /**
   * Called by `close()` once the audit writer has flushed and before the
   * store closes: last work over the complete chain (a final checkpoint).
   */
  readonly on_drained?: () => Promise<void>
  /** Spans around each pipeline stage (`openTelemetryTracing().stages`). None by default. */
  readonly tracer?: StageTracer
  /** How the policy set is named, and a candidate to shadow. */
  readonly policy?: PolicyOptions
  /**
   * How actions without an in-process handler run: default executor, time
   * budget, executor settings and credential providers.
   */
  readonly executors?: ExecutorsConfig
  /** Clock, for tests. */
  readonly now?: () => Date
}

/** {@link AirlockConfig.policy}. */
export interface PolicyOptions {
  /** A human name for the set, shown beside its hash. */
  readonly label?: string | null
  /** Hash of the files the set was loaded from; default: a hash of its shape. */
  readonly content_hash?: string | null
  /** The files the set was loaded from, for `GET /policy`. */
  readonly files?: readonly string[]
  /** A candidate set decided beside the enforced one on every request (shadow mode). */
  readonly shadow?: PolicySet | null
}

/** How a policy set came to be loaded, for the audit record. */
export interface PolicyLoadOptions {
  /** Who asked (`sighup`, `file-watch`, `peer`, or the admin's actor id). */
  readonly by: string
  /** How: `signal`, `http`, `watch`, `announcement`, `cli`. */
  readonly via: string
}

/** The policy set in force, reloading and shadow mode. */
export interface AirlockPolicy {
  /** The enforced set. */
  current(): PolicySet
  /** Makes `set` the enforced one (requests already running keep theirs) and audits `policy_loaded`. */
  load(set: PolicySet, options: PolicyLoadOptions): Promise<PolicySet>
  /** Audits a reload that was refused (`policy_rejected`), the set in force staying as it is. */
  rejected(
    problems: readonly unknown[],
    options: PolicyLoadOptions & { readonly message: string },
  ): Promise<void>
  /** The shadow candidate, or null. */
  shadow(): PolicySet | null
  /** Starts (or with null, stops) shadow mode; the difference tally starts from zero. */
  setShadow(set: PolicySet | null): void
  /** The differences counted in this process since the candidate was set, or null without one. */
  shadowReport(): DifferenceReport | null
  /** The differences of every replica sharing the store, from the verdicts kept in the audit log. */
  shadowHistory(options: ShadowHistoryOptions): Promise<ShadowHistoryReport>
  /** Called after every swap; returns an unsubscribe function. */
  onSwap(listener: (set: PolicySet) => void): () => void
}

/** The kill switch. */
export interface AirlockFreezes {
  /** The freezes in force (read from the store). */
  list(): Promise<readonly Freeze[]>
  /**
   * Freezes `scope` from now on: every matching request is denied with
   * `reason`, and held requests it covers cannot be approved until it is
   * lifted. Audited as `frozen` with who froze.
   *
   * @throws AirlockError `CONFIG_INVALID` when the store keeps no freezes.
   */
  freeze(input: {
    readonly scope: FreezeScope
    readonly reason: string
    readonly by: string
  }): Promise<Freeze>
  /**
   * Lifts a freeze; audited as `unfrozen` with who lifted it.
   *
   * @throws AirlockError `FREEZE_NOT_FOUND` when no freeze with this id is in force.
   */
  unfreeze(id: string, by: string): Promise<Freeze>
}

/** Per-call options of {@link Airlock.execute}. */
export interface ExecuteOptions {
  /** Who asks. A string is a trusted local caller's id. Default: anonymous. */
  readonly caller?: Principal | string
  readonly target?: string | null
  readonly idempotency_key?: string | null
  /** External ticket or incident id linked to the request. */
  readonly ticket_id?: string | null
  /**
   * The caller's own id for this request (e.g. its `X-Request-Id`): 1 to 128
   * characters of `[A-Za-z0-9._:-]`, kept as `client_request_id` in the
   * context of every audit event the request writes.
   */
  readonly client_request_id?: string | null
  readonly signal?: AbortSignal
  /**
   * Decide and plan, but run nothing: the outcome (`dry_run`, or `denied`)
   * says exactly what would be sent. No ticket, credential, approval or
   * idempotency key is used, and limits' counters are not spent.
   */
  readonly dry_run?: boolean
}

export type CheckOptions = Omit<ExecuteOptions, 'idempotency_key' | 'signal' | 'dry_run'>

/** The advisory decision, with the audit event that recorded it and, on allow with keys configured, a ticket. */
export type CheckResult = Decision & {
  readonly audit_id: string | null
  readonly ticket: { readonly token: string; readonly nonce: string; readonly expires_at: string } | null
  readonly retry_after_s?: number
}

/** One step of {@link Airlock.checkPlan}. */
export interface PlanStep extends CheckOptions {
  readonly action: string
  readonly params?: Record<string, unknown>
}

/** Options for deciding an approval. */
export interface DecideApprovalOptions {
  readonly approver: Principal | string
  readonly comment?: string | null
  /** Where the decision came from (`slack`, `terminal`, `http`, `cli`, ...), kept in the audit record. */
  readonly channel?: string
  /** False when that channel could not show the whole request (see `approvals.require_full_view`). */
  readonly shown_in_full?: boolean
  /** The approver's own id for this call, audited as `client_request_id` (see {@link ExecuteOptions.client_request_id}). */
  readonly client_request_id?: string | null
}

/** How a channel's notification about a pending approval went. */
export interface NotificationReport {
  readonly channel: string
  readonly delivered: boolean
  readonly error?: string | null
  /** Channel-specific facts worth keeping (message id, attempts, status code). Must be JSON. */
  readonly details?: Readonly<Record<string, unknown>>
}

/** Options of `approvals.wait()`. */
export interface WaitOptions {
  readonly timeout_ms: number
  /** Re-read interval while no change announcement can arrive. Default 100 ms. */
  readonly poll_ms?: number
  readonly signal?: AbortSignal
  /** At the timeout, expire the requester's own approval (default) or just return it (a long-poll). */
  readonly expire_at_timeout?: boolean
}

/** What approving did: still waiting for more approvers, or the execution outcome. */
export type ApproveResult =
  | { readonly status: 'pending'; readonly approval: Approval }
  /** Approved; the requester's process runs it (`approvals.resume`) because the handler lives there. */
  | { readonly status: 'approved'; readonly approval: Approval }
  | { readonly status: 'decided'; readonly approval: Approval; readonly outcome: Outcome }

export interface AirlockApprovals {
  list(caller: Principal | string, options: ApprovalListOptions): Promise<Page<Approval>>
  get(caller: Principal | string, id: string): Promise<Approval>
  /** Approves; when the quorum is reached the request runs with its original inputs. */
  approve(id: string, options: DecideApprovalOptions): Promise<ApproveResult>
  reject(id: string, options: DecideApprovalOptions): Promise<Approval>
  /** Expires pending approvals past their TTL and audits each. */
  expire(): Promise<readonly Approval[]>
  /** Records in the audit chain that a channel was (or could not be) told about a pending approval. */
  notified(caller: Principal | string, id: string, report: NotificationReport): Promise<void>
  /**
   * Resolves once the approval is no longer pending. At the timeout it is
   * expired (and audited) rather than left lingering, and returned as such.
   */
  wait(caller: Principal | string, id: string, options: WaitOptions): Promise<Approval>
  /**
   * Runs an approved request in this process, exactly once across processes,
   * re-checking policy first. A request already settled returns its outcome
   * (`replayed: true`); rejected and expired ones come back as denied.
   */
  resume(caller: Principal | string, id: string): Promise<Outcome>
  /**
   * The execution ticket of an approved request, for an executor to redeem.
   * Asking again returns a ticket with the same nonce and expiry, so one
   * approval can never be redeemed twice. Needs `keys`.
   */
  ticket(
    caller: Principal | string,
    id: string,
  ): Promise<{ token: string; nonce: string; expires_at: string }>
}

export type VerifyResult =
  | { readonly valid: true; readonly count: number }
  | { readonly valid: false; readonly seq: number; readonly reason: string; readonly count: number }

export interface AirlockAudit {
  list(filter: AuditFilter, limit: number, cursor?: string | null): Promise<Page<AuditEvent>>
  /** One event of `caller`'s tenant; throws `EVIDENCE_NOT_FOUND` for any other id. */
  get(id: string, caller?: Principal | string): Promise<AuditEvent>
  verify(): Promise<VerifyResult>
  /**
   * Counts one refused authentication attempt. Nothing is written per
   * attempt: each client address gets one `auth_failed` summary event per
   * window (see `AirlockConfig.auth_failures`), and `close()` records what is
   * pending.
   */
  failedAuthentication(attempt: FailedAuthentication): void
}

/** Undoing an executed run: see `pipeline/rollback`. */
export interface AirlockRollback {
  /**
   * The undo of executed audit event `audit_id`: its rollback action and the
   * inputs drawn from the recorded parameters and state before. Runs nothing.
   * @throws AirlockError `ROLLBACK_UNAVAILABLE`, `EVIDENCE_NOT_FOUND`.
   */
  plan(audit_id: string, caller?: Principal | string): Promise<RollbackPlan>
  /**
   * Sends the undo through the whole pipeline as `caller` (policy may hold or
   * deny it). Undoing the same event again replays the first outcome unless
   * another idempotency key is given.
   */
  run(
    audit_id: string,
    caller?: Principal | string,
    options?: Omit<RollbackRunOptions, 'caller'>,
  ): Promise<RollbackRun>
}

/** A wired pipeline. */
export interface Airlock {
  readonly store: Store
  /** The versioned policy set: what is loaded, reloading it, shadowing a candidate. */
  readonly policy: AirlockPolicy
  /** What readiness reports: the store first, then the configured dependencies. */
  readonly dependencies: readonly Dependency[]
  /** The signing keys, when configured: their public half is served as the JWKS. */
  readonly keys: KeySet | undefined
  /** The actions, sorted by name. */
  actions(): readonly ActionDefinition[]
  getAction(name: string): ActionDefinition | undefined
  /**
   * Runs one request through the pipeline. Given the definition rather than
   * its name, `outcome.result` has the handler's return type (as it arrives
   * after a JSON round trip: the same value a replay returns).
   */
  execute(
    action: string | ActionDefinition,
    inputs: Record<string, unknown>,
    options: ExecuteOptions & { readonly dry_run: true },
  ): Promise<DryRunOutcome | DeniedOutcome>
  execute<I, O>(
    action: ActionDefinition<I, O>,
    inputs: Record<string, unknown>,
    options?: ExecuteOptions,
  ): Promise<Outcome<Awaited<O>>>
  execute(action: string, inputs: Record<string, unknown>, options?: ExecuteOptions): Promise<Outcome>
  /** The decision `execute` would reach, computed synchronously with no side effects (nothing is audited). */
  decide(action: string, inputs: Record<string, unknown>, options?: CheckOptions): Decision
  /**
   * Like `decide`, plus limits and cumulative risk; the advisory decision is
   * audited (unless `audit_checks` is false) and, on allow with keys
   * configured, carries a single-use execution ticket.
   */
  check(action: string, inputs: Record<string, unknown>, options?: CheckOptions): Promise<CheckResult>
  checkPlan(steps: readonly PlanStep[]): Promise<readonly CheckResult[]>
  readonly approvals: AirlockApprovals
  readonly audit: AirlockAudit
  readonly rollback: AirlockRollback
  /** The kill switch: freezes that deny every matching request until lifted. */
  readonly freezes: AirlockFreezes
  /**
   * Housekeeping to run periodically (the gateway does, every few seconds):
   * expires pending approvals past their TTL, purges idempotency records past
   * their retention and ticket nonces past their expiry.
   */
  sweep(): Promise<{ expired: number; idempotency_purged: number; nonces_purged: number }>
  /** Flushes the audit writer and closes the store. */
  close(): Promise<void>
}
