/**
 * `createAirlock()`: the one place that knows the order of the pipeline.
 *
 * identify → resolve → validate → authorize (limits, scopes, policy,
 * cumulative risk) → claim → hold → run → record. The idempotency claim is
 * taken before the hold so a retried call that needs approval gets the same
 * approval back. Every stage below is a call into its own folder; this
 * module only wires them and decides what is audited when.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ActionDefinition } from './actions/action-definition.js'
import {
  ApprovalService,
  type ApprovalsConfig,
  type SealedRequest,
  type VoteOutcome,
} from './approvals/approval-service.js'
import type { ApprovalNotice, Channel } from './approvals/channels/channel.js'
import type { AuditEvent, AuditEventInput, AuditStatus } from './audit/audit-event.js'
import { AuditWriter } from './audit/audit-writer.js'
import { createRedactor, type RedactionConfig, type Redactor } from './audit/redact.js'
import { createSealer, generateSealKey, type Sealer, type SealerConfig } from './audit/seal.js'
import { verifyStore } from './audit/verify-chain.js'
import { AirlockError } from './errors/airlock-error.js'
import { ErrorCode } from './errors/error-codes.js'
import { requestFingerprint } from './idempotency/fingerprint.js'
import { type IdempotencyConfig, IdempotencyGate } from './idempotency/idempotency-gate.js'
import { localPrincipal, type Principal } from './identity/principal.js'
import type { KeySet } from './identity/tokens/key-set.js'
import { newId } from './internal/ids.js'
import type { Target } from './inventory/target.js'
import type { Limits } from './limits/create-limits.js'
import type {
  DenialCode,
  ExecutedOutcome,
  FailedOutcome,
  Outcome,
  PendingApprovalOutcome,
} from './outcome.js'
import { type Evaluation, evaluateRequest } from './policy/decide.js'
import type { Decision, DecisionResult } from './policy/decision.js'
import { PolicyEngine } from './policy/policy-engine.js'
import type { PolicyRule } from './policy/policy-rule.js'
import { memoryStore } from './store/memory/index.js'
import type { Approval, ApprovalListOptions, AuditFilter, Page, Store } from './store/store.js'
import { issueTicket } from './tickets/issue-ticket.js'
import { ticketForApproval } from './tickets/ticket-for-approval.js'

/** Anything that can look actions up by name (an `ActionRegistry` fits). */
export interface ActionSource {
  get(name: string): ActionDefinition | undefined
  list(): readonly ActionDefinition[]
}

/** Anything that can look targets up by id (an `Inventory` fits). */
export interface TargetSource {
  get(id: string): Target | undefined
}

/** Configuration of {@link createAirlock}. */
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
  /**
   * Signing keys (`createKeySet`). With them, `check()` returns a signed,
   * single-use execution ticket on allow, and approvals can mint one ticket each.
   */
  readonly keys?: KeySet
  readonly tickets?: { readonly ttl_s?: number; readonly audience?: string }
  /** Write an audit event for advisory `check()` calls too. Default true. */
  readonly audit_checks?: boolean
  /**
   * Told about every request the pipeline holds for approval (webhook,
   * Slack, ...). Delivery runs in the background and is audited as
   * `notified`; a channel that obtains a decision itself has it applied as
   * any other decision would be.
   */
  readonly channels?: readonly Channel[]
  /** Called by `close()` after the store is closed: release what was opened for this pipeline (a Redis client). */
  readonly on_close?: () => Promise<void>
  /** Clock, for tests. */
  readonly now?: () => Date
}

/** Per-call options of {@link Airlock.execute}. */
export interface ExecuteOptions {
  /** Who asks. A string is a trusted local caller's id. Default: anonymous. */
  readonly caller?: Principal | string
  readonly target?: string | null
  readonly idempotency_key?: string | null
  /** External ticket or incident id linked to the request. */
  readonly ticket_id?: string | null
  readonly signal?: AbortSignal
}

export type CheckOptions = Omit<ExecuteOptions, 'idempotency_key' | 'signal'>

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
}

/** How a channel's notification about a pending approval went. */
export interface NotificationReport {
  readonly channel: string
  readonly delivered: boolean
  readonly error?: string | null
  /** Channel-specific facts worth keeping (message id, attempts, status code). Must be JSON. */
  readonly details?: Readonly<Record<string, unknown>>
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
  wait(
    caller: Principal | string,
    id: string,
    options: { timeout_ms: number; poll_ms?: number; signal?: AbortSignal },
  ): Promise<Approval>
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
  verify(): Promise<VerifyResult>
}

/** A wired pipeline. */
export interface Airlock {
  readonly store: Store
  /** The signing keys, when configured: their public half is served as the JWKS. */
  readonly keys: KeySet | undefined
  /** The actions, sorted by name. */
  actions(): readonly ActionDefinition[]
  getAction(name: string): ActionDefinition | undefined
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
  /**
   * Housekeeping to run periodically (the gateway does, every few seconds):
   * expires pending approvals past their TTL, purges idempotency records past
   * their retention and ticket nonces past their expiry.
   */
  sweep(): Promise<{ expired: number; idempotency_purged: number; nonces_purged: number }>
  /** Flushes the audit writer and closes the store. */
  close(): Promise<void>
}

const ANONYMOUS: Principal = { ...localPrincipal('anonymous'), auth: 'anonymous' }

function toPrincipal(caller: Principal | string | undefined): Principal {
  if (caller === undefined) return ANONYMOUS
  return typeof caller === 'string' ? localPrincipal(caller) : caller
}

function toActionSource(actions: AirlockConfig['actions']): ActionSource {
  if (actions === undefined || Array.isArray(actions)) {
    const byName = new Map<string, ActionDefinition>()
    for (const def of (actions ?? []) as readonly ActionDefinition[]) {
      const existing = byName.get(def.name)
      if (existing) {
        throw new AirlockError(
          ErrorCode.ACTION_DUPLICATE,
          `Duplicate action '${def.name}': defined in ${existing.source} and in ${def.source}`,
        )
      }
      byName.set(def.name, def)
    }
    const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
    return { get: (name) => byName.get(name), list: () => sorted }
  }
  return actions as ActionSource
}

function toTargetSource(inventory: AirlockConfig['inventory']): TargetSource {
  if (inventory === undefined) return { get: () => undefined }
  if (Array.isArray(inventory)) {
    const byId = new Map((inventory as readonly Target[]).map((t) => [t.id, t]))
    return { get: (id) => byId.get(id) }
  }
  return inventory as TargetSource
}

/** Scopes the caller lacks. A role `x` or `scope:x` also grants scope `x`. */
function missingScopes(definition: ActionDefinition, principal: Principal): string[] {
  return definition.required_scopes.filter(
    (s) =>
      !principal.scopes.includes(s) &&
      !principal.roles.includes(s) &&
      !principal.roles.includes(`scope:${s}`),
  )
}

function errorMessage(error: unknown): { message: string; code: string | null } {
  if (AirlockError.isInstance(error)) return { message: error.message, code: error.code }
  if (error instanceof Error) return { message: error.message, code: null }
  return { message: String(error), code: null }
}

/** JSON round trip, so the first caller and every replay see the very same value. */
function jsonValue(value: unknown): unknown {
  const text = JSON.stringify(value)
  return text === undefined ? null : JSON.parse(text)
}

/**
 * Wires a pipeline.
 *
 * @example
 * ```ts
 * const airlock = createAirlock({ actions: [getInvoice], policies: [allowAll()] })
 * const outcome = await airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: 'agent-7' })
 * ```
 */
export function createAirlock(config: AirlockConfig = {}): Airlock {
  const now = config.now ?? (() => new Date())
  const actions = toActionSource(config.actions)
  const targets = toTargetSource(config.inventory)
  const engine =
    config.policies instanceof PolicyEngine
      ? config.policies
      : new PolicyEngine((config.policies ?? []) as readonly PolicyRule[], {
          default_decision: config.default_decision,
        })
  const store = config.store ?? memoryStore()
  if (config.seal === undefined && store.kind !== 'memory') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `A '${store.kind}' store needs seal keys (config 'seal'): held requests keep their original inputs encrypted, and a key made up at start could not open them after a restart`,
    )
  }
  const sealer: Sealer = createSealer(config.seal ?? { keys: { k0: generateSealKey() }, current: 'k0' })
  const redactor: Redactor = createRedactor(config.redaction)
  const writer = new AuditWriter(store.audit)
  const gate = new IdempotencyGate(store.idempotency, config.idempotency, now)
  const approvalService = new ApprovalService({
    store: store.approvals,
    protector: {
      seal: (v, aad) => sealer.seal(v, aad),
      open: (s, aad) => sealer.open(s, aad),
      redact: (v) => redactor.redact(v),
    },
    config: config.approvals,
    now,
    getAction: (name) => actions.get(name),
  })
  const auditChecks = config.audit_checks ?? true

  const evaluate = (
    action: string,
    inputs: Record<string, unknown>,
    principal: Principal,
    options: CheckOptions,
  ) =>
    evaluateRequest(
      {
        getAction: (name) => actions.get(name),
        getTarget: (id) => targets.get(id),
        evaluate: (request) => engine.evaluate(request),
        unknown_actions: config.unknown_actions ?? 'deny',
      },
      {
        action,
        params: inputs,
        target: options.target ?? null,
        caller: principal.auth === 'anonymous' ? undefined : principal,
        ticket_id: options.ticket_id ?? null,
        now: now(),
      },
    )

  /** The event's context, redacted, naming who delegated to the actor when someone did. */
  const eventContext = (
    principal: Principal,
    context: Record<string, unknown> | null | undefined,
  ): Record<string, unknown> | null => {
    const chain = principal.delegation_chain
    const merged =
      chain.length > 0
        ? { ...(context ?? {}), delegated_by: chain.map((link) => link.actor_id) }
        : (context ?? null)
    return merged === null ? null : (redactor.redact(merged) as Record<string, unknown>)
  }

  /** Free text (reasons, comments, error messages) can quote secrets too. */
  const maskText = (text: string | null): string | null =>
    text === null ? null : redactor.redactString(text)

  /** Builds and durably writes one audit event; resolves once it is in the chain. */
  const record = (
    status: AuditStatus,
    fields: {
      id?: string
      request_id: string
      principal: Principal
      action: string
      decision?: Decision | null
      target?: string | null
      inputs?: unknown
      result?: unknown
      error?: string | null
      reason?: string | null
      rule?: string | null
      approval_id?: string | null
      approver?: string | null
      idempotency_key?: string | null
      ticket_id?: string | null
      context?: Record<string, unknown> | null
    },
  ): Promise<AuditEvent> => {
    const d = fields.decision ?? null
    const event: AuditEventInput = {
      id: fields.id ?? newId('evt'),
      ts: now().toISOString(),
      tenant_id: fields.principal.tenant_id,
      request_id: fields.request_id,
      status,
      action: fields.action,
      actor: fields.principal.actor_id,
      target: fields.target ?? d?.target ?? null,
      decision: d?.decision ?? null,
      reason: maskText(fields.reason ?? d?.reason ?? null),
      rule: fields.rule ?? d?.rule ?? null,
      risk_class: d?.risk_class ?? null,
      effective_risk: d?.effective_risk ?? null,
      inputs: fields.inputs === undefined ? null : redactor.redact(fields.inputs),
      result: fields.result === undefined ? null : redactor.redact(fields.result),
      error: maskText(fields.error ?? null),
      approval_id: fields.approval_id ?? null,
      approver: fields.approver ?? null,
      idempotency_key: fields.idempotency_key ?? null,
      ticket_id: fields.ticket_id ?? d?.ticket_id ?? null,
      context: eventContext(fields.principal, fields.context),
    }
    return writer.write(event)
  }

  const denialCode = (evaluation: Evaluation): DenialCode =>
    evaluation.stage === 'resolve'
      ? 'ACTION_NOT_FOUND'
      : evaluation.stage === 'validate'
        ? 'INPUT_INVALID'
        : evaluation.stage === 'target'
          ? 'TARGET_TYPE'
          : 'POLICY'

  /**
   * The run stage: `started` is durable before the handler is called, so a
   * crash leaves evidence. `progress.started` tells the caller whether the
   * handler may have run, which decides what happens to an idempotency claim
   * when recording the end fails.
   */
  const run = async (
    definition: ActionDefinition,
    inputs: unknown,
    ctx: {
      request_id: string
      principal: Principal
      decision: Decision
      target: Target | undefined
      approval_id: string | null
      approver: string | null
      idempotency_key: string | null
      signal: AbortSignal | undefined
    },
    progress: { started: boolean } = { started: false },
  ): Promise<ExecutedOutcome | FailedOutcome> => {
    const base = {
      request_id: ctx.request_id,
      principal: ctx.principal,
      action: definition.name,
      decision: ctx.decision,
      approval_id: ctx.approval_id,
      approver: ctx.approver,
      idempotency_key: ctx.idempotency_key,
    }
    await record('started', { ...base, inputs })
    progress.started = true
    let result: unknown
    let failure: { message: string; code: string | null } | null = null
    if (!definition.handler) {
      failure = { message: `Action '${definition.name}' has no handler in this process`, code: null }
    } else {
      const controller = new AbortController()
      const onAbort = () => controller.abort(ctx.signal?.reason)
      ctx.signal?.addEventListener('abort', onAbort, { once: true })
      try {
        const raw = await definition.handler(inputs, {
          principal: ctx.principal,
          target: ctx.target,
          target_id: ctx.decision.target,
          request_id: ctx.request_id,
          approval_id: ctx.approval_id,
          idempotency_key: ctx.idempotency_key,
          signal: controller.signal,
        })
        result = jsonValue(raw)
      } catch (error) {
        const err = errorMessage(error)
        // Handler errors often quote connection strings or tokens: mask them like any other value.
        failure = { message: redactor.redactString(err.message), code: err.code }
      } finally {
        ctx.signal?.removeEventListener('abort', onAbort)
      }
    }
    if (failure) {
      const event = await record('failed', { ...base, error: failure.message })
      return failed(ctx.request_id, event.id, definition.name, failure, ctx.approval_id)
    }
    const event = await record('executed', { ...base, result })
    return {
      status: 'executed',
      request_id: ctx.request_id,
      audit_id: event.id,
      action: definition.name,
      replayed: false,
      result,
      approval_id: ctx.approval_id,
    }
  }

  const failed = (
    request_id: string,
    audit_id: string,
    action: string,
    error: { message: string; code: string | null },
    approval_id: string | null,
  ): FailedOutcome => ({
    status: 'failed',
    request_id,
    audit_id,
    action,
    replayed: false,
    error,
    approval_id,
  })

  /** Background deliveries, so `close()` can let them finish before the store goes. */
  const deliveries = new Set<Promise<void>>()

  /** Tells every configured channel about a held request, without delaying the caller. */
  const notifyChannels = (approval: Approval, description: string): void => {
    for (const channel of config.channels ?? []) {
      const notice: ApprovalNotice = {
        approval_id: approval.id,
        tenant_id: approval.tenant_id,
        action: approval.action,
        description,
        inputs: approval.inputs,
        reason: approval.reason,
        rule: approval.rule,
        risk: approval.effective_risk,
        requester: approval.requester,
        required_approvals: approval.required_approvals,
        created_at: approval.created_at,
        expires_at: approval.expires_at,
      }
      const delivery = deliver(channel, notice, approval).finally(() => deliveries.delete(delivery))
      deliveries.add(delivery)
    }
  }

  const deliver = async (channel: Channel, notice: ApprovalNotice, approval: Approval): Promise<void> => {
    let report: NotificationReport
    let decision: Awaited<ReturnType<Channel['notify']>> = null
    try {
      decision = await channel.notify(notice, { signal: AbortSignal.timeout(60_000) })
      report = { channel: channel.name, delivered: true }
    } catch (error) {
      report = { channel: channel.name, delivered: false, error: errorMessage(error).message }
    }
    await recordNotified(approval, report).catch(() => undefined)
    if (!decision) return
    const options = { approver: decision.approver, comment: decision.comment ?? null, channel: channel.name }
    // Refusals (self-approval, missing role, already decided) are the channel's answer to live with.
    await (decision.decision === 'approve'
      ? approve(approval.id, options)
      : reject(approval.id, options)
    ).catch(() => undefined)
  }

  const execute = async (
    action: string,
    inputs: Record<string, unknown>,
    options: ExecuteOptions = {},
  ): Promise<Outcome> => {
    // identify
    const principal = toPrincipal(options.caller)
    const request_id = newId('req')
    const idempotency_key = options.idempotency_key ?? null
    const base = { request_id, principal, action, idempotency_key, ticket_id: options.ticket_id ?? null }

    // resolve, validate, authorize (limits, scopes, policy, cumulative risk)
    const auth = await authorize(action, inputs, principal, options)
    const { evaluation, decision } = auth
    const definition = evaluation.definition

    if (decision.decision === 'deny' || !definition) {
      const code = auth.code ?? 'POLICY'
      const event = await record('denied', {
        ...base,
        decision,
        inputs,
        context: { code, ...auth.context },
      })
      return {
        status: 'denied',
        request_id,
        audit_id: event.id,
        action,
        replayed: false,
        code,
        reason: decision.reason,
        rule: decision.rule,
        issues: decision.param_errors,
        decision,
        ...(auth.retry_after_s === undefined ? {} : { retry_after_s: auth.retry_after_s }),
      }
    }

    // claim: taken before hold, so a retried call that needs approval gets the same pending approval
    let claim: Awaited<ReturnType<IdempotencyGate['begin']>> | undefined
    // Stored outcomes are sealed, bound to their key so one cannot be swapped for another's.
    const outcomeAad = `idem:${principal.tenant_id}:${action}:${idempotency_key}`
    if (idempotency_key !== null) {
      const scope = { tenant_id: principal.tenant_id, action, key: idempotency_key }
      const fingerprint = requestFingerprint({
        action,
        inputs: evaluation.inputs,
        actor_id: principal.actor_id,
        tenant_id: principal.tenant_id,
        target: decision.target,
      })
      claim = await gate.begin(scope, fingerprint)
      if (claim.kind === 'replay') {
        const stored = sealer.open(claim.outcome, outcomeAad) as Outcome
        const event = await record('replayed', {
          ...base,
          decision,
          reason: `Replayed the stored outcome (${stored.status}) for idempotency key '${idempotency_key}'`,
          context: { original_request_id: stored.request_id, original_status: stored.status },
          approval_id: 'approval_id' in stored ? stored.approval_id : null,
        })
        return { ...stored, replayed: true, audit_id: event.id } as Outcome
      }
    }

    let outcome: Outcome
    const progress = { started: false }
    try {
      if (decision.decision === 'require_approval') {
        // hold: the `held` event is durable before the approval exists, so nothing can be
        // decided (and run) that the audit chain does not know about.
        const held = approvalService.prepare({
          principal,
          definition,
          decision,
          inputs: evaluation.inputs,
          request_id,
          idempotency_key,
        })
        const reason = decision.reason
        const event = await record('held', {
          ...base,
          decision,
          inputs: evaluation.inputs,
          reason,
          approval_id: held.id,
          context: {
            expires_at: held.expires_at,
            required_approvals: held.required_approvals,
            ...auth.context,
          },
        })
        const approval = await approvalService.create(held)
        notifyChannels(approval, definition.description)
        outcome = {
          status: 'pending_approval',
          request_id,
          audit_id: event.id,
          action,
          replayed: false,
          approval_id: approval.id,
          reason,
          rule: decision.rule,
          expires_at: approval.expires_at,
        } satisfies PendingApprovalOutcome
      } else if (decision.decision === 'allow') {
        outcome = await run(
          definition,
          evaluation.inputs,
          {
            request_id,
            principal,
            decision,
            target: evaluation.target,
            approval_id: null,
            approver: null,
            idempotency_key,
            signal: options.signal,
          },
          progress,
        )
      } else {
        // Only the three known results exist; anything else must never run.
        throw new AirlockError(ErrorCode.INTERNAL, `Unknown decision '${String(decision.decision)}'`)
      }
    } catch (error) {
      if (claim?.kind === 'run') {
        if (!progress.started) {
          // The handler was never called: free the key so a retry can run.
          await claim.abandon().catch(() => undefined)
        } else {
          // The handler may have run but its end was not recorded. Running it again under the
          // same key could do the work twice, so the key keeps an unknown-result failure.
          const unknown = failed(
            request_id,
            '',
            action,
            { message: 'The action started but its outcome could not be recorded', code: 'RESULT_UNKNOWN' },
            null,
          )
          await claim.finish(sealer.seal(unknown, outcomeAad)).catch(() => undefined)
        }
      }
      throw error
    }

    if (claim?.kind === 'run') {
      await claim.finish(sealer.seal(outcome, outcomeAad))
    }
    return outcome
  }

  /** Scopes and the action's own approval flag on top of the policy evaluation. Pure. */
  const authorizeSync = (
    evaluation: Evaluation,
    principal: Principal,
  ): { decision: Decision; code: DenialCode | null } => {
    const decision = evaluation.decision
    if (decision.decision === 'deny' || !evaluation.definition) {
      return { decision, code: decision.decision === 'deny' ? denialCode(evaluation) : null }
    }
    const missing = missingScopes(evaluation.definition, principal)
    if (missing.length > 0) {
      return {
        decision: {
          ...decision,
          decision: 'deny',
          reason: `Missing required scopes: ${missing.join(', ')}`,
          rule: null,
        },
        code: 'SCOPE_MISSING',
      }
    }
    if (decision.decision === 'allow' && evaluation.definition.approval_required) {
      return {
        decision: {
          ...decision,
          decision: 'require_approval',
          reason: `Action '${decision.action}' requires approval`,
        },
        code: null,
      }
    }
    return { decision, code: null }
  }

  /**
   * The whole authorize stage: rate limit and circuit breaker first (a flood
   * of garbage counts too), then resolve/validate/scopes/policy, then
   * cumulative risk for what was not denied. Every final deny but the
   * limiter's own feeds the circuit breaker.
   */
  const authorize = async (
    action: string,
    inputs: Record<string, unknown>,
    principal: Principal,
    options: CheckOptions,
  ): Promise<{
    evaluation: Evaluation
    decision: Decision
    code: DenialCode | null
    retry_after_s?: number
    context: Record<string, unknown>
  }> => {
    const evaluation = evaluate(action, inputs, principal, options)
    const limits = config.limits
    if (limits) {
      const rate = await limits.checkRate(principal, action)
      if (!rate.ok) {
        return {
          evaluation,
          decision: { ...evaluation.decision, decision: 'deny', reason: rate.reason, rule: null },
          code: 'RATE_LIMITED',
          retry_after_s: rate.retry_after_s,
          context: { limit: rate.kind },
        }
      }
    }
    let { decision, code } = authorizeSync(evaluation, principal)
    const context: Record<string, unknown> = {}
    if (limits && decision.decision !== 'deny') {
      const risk = await limits.addRisk(principal, decision.effective_risk)
      if (risk) {
        context.cumulative_risk_score = risk.score
        context.cumulative_risk_class = risk.class
        if (risk.verdict === 'deny') {
          context.escalated_from = decision.decision
          decision = {
            ...decision,
            decision: 'deny',
            reason: `${risk.reason}. Original: ${decision.reason}`,
            rule: null,
          }
          code = 'RISK_EXCEEDED'
        } else if (risk.verdict === 'escalate' && decision.decision === 'allow') {
          context.escalated_from = 'allow'
          decision = {
            ...decision,
            decision: 'require_approval',
            reason: `${risk.reason}. Original: ${decision.reason}`,
          }
        }
      }
    }
    if (limits && decision.decision === 'deny') await limits.recordDenial(principal)
    return { evaluation, decision, code, context }
  }

  /** authorize without side effects (no limits, no audit): the decision `execute` would reach. */
  const decideSync = (
    action: string,
    inputs: Record<string, unknown>,
    options: CheckOptions = {},
  ): Decision => {
    const principal = toPrincipal(options.caller)
    return authorizeSync(evaluate(action, inputs, principal, options), principal).decision
  }

  const check = async (
    action: string,
    inputs: Record<string, unknown>,
    options: CheckOptions = {},
  ): Promise<CheckResult> => {
    const principal = toPrincipal(options.caller)
    const { decision, context, retry_after_s, evaluation } = await authorize(
      action,
      inputs,
      principal,
      options,
    )
    const audit_id = newId('evt')
    let ticket: CheckResult['ticket'] = null
    if (decision.decision === 'allow' && config.keys) {
      const issued = await issueTicket(config.keys, {
        action,
        target: decision.target,
        // The ticket binds what the handler would receive, not the raw request.
        params: (evaluation.inputs ?? inputs) as Record<string, unknown>,
        caller: principal.actor_id,
        tenant: principal.tenant_id,
        audit_id,
        ...(config.tickets?.ttl_s === undefined ? {} : { ttl_s: config.tickets.ttl_s }),
        ...(config.tickets?.audience === undefined ? {} : { audience: config.tickets.audience }),
        now: now(),
      })
      ticket = {
        token: issued.token,
        nonce: issued.claims.jti,
        expires_at: new Date(issued.claims.exp * 1000).toISOString(),
      }
      // The nonce goes into the audit record, so a redeemed ticket can be traced to its decision.
      context.ticket_nonce = issued.claims.jti
    }
    if (auditChecks) {
      await record(
        decision.decision === 'deny' ? 'denied' : decision.decision === 'allow' ? 'allowed' : 'held',
        {
          id: audit_id,
          request_id: newId('req'),
          principal,
          action,
          decision,
          inputs,
          ticket_id: options.ticket_id ?? null,
          context: { advisory: true, ...context },
        },
      )
    }
    return {
      ...decision,
      audit_id: auditChecks ? audit_id : null,
      ticket,
      ...(retry_after_s === undefined ? {} : { retry_after_s }),
    }
  }

  /**
   * The requester as the approval row describes them, for attributing events.
   * (Where the full requester is needed — re-checking policy — it comes from
   * the sealed request instead.)
   */
  const requesterOf = (approval: Approval): Principal => {
    return {
      ...localPrincipal(approval.requester, {
        roles: approval.requester_roles,
        tenant_id: approval.tenant_id,
      }),
      auth: 'approval',
    }
  }

  /** Fields every audit event about an approval shares. */
  const approvalEvent = (approval: Approval, approver: string | null, requester = requesterOf(approval)) => ({
    request_id: approval.request_id,
    principal: requester,
    action: approval.action,
    approval_id: approval.id,
    approver,
    idempotency_key: approval.idempotency_key,
    ticket_id: approval.ticket_id,
    target: approval.target,
  })

  const recordNotified = async (approval: Approval, report: NotificationReport): Promise<void> => {
    await record('notified', {
      ...approvalEvent(approval, null),
      reason: report.delivered
        ? `Notified via ${report.channel}`
        : `Could not notify via ${report.channel}: ${report.error ?? 'unknown error'}`,
      context: {
        channel: report.channel,
        delivered: report.delivered,
        error: report.error ?? null,
        ...(report.details ? { details: report.details } : {}),
      },
    })
  }

  /** Casts a vote; an approval found expired by the vote is audited as expired. */
  const vote = async (
    approver: Principal,
    id: string,
    verdict: 'approve' | 'reject',
    comment: string | null,
  ): Promise<VoteOutcome> => {
    try {
      return await approvalService.vote(approver, id, verdict, comment)
    } catch (error) {
      if (
        AirlockError.isInstance(error) &&
        (error.code === ErrorCode.APPROVAL_SELF_DECISION || error.code === ErrorCode.APPROVER_NOT_ALLOWED)
      ) {
        // A refused attempt to decide is worth seeing in the record: it may be an agent approving itself.
        const target = await approvalService.get(approver, id)
        await record('denied', {
          ...approvalEvent(target, approver.actor_id),
          reason: `Refused to let '${approver.actor_id}' ${verdict}: ${error.message}`,
          context: { refused_decision: verdict, code: error.code },
        })
      }
      if (
        AirlockError.isInstance(error) &&
        error.details?.status === 'expired' &&
        error.details.expired_now === true
      ) {
        const expired = await approvalService.get(approver, id)
        await record('expired', {
          ...approvalEvent(expired, null),
          reason: `Approval expired at ${expired.expires_at}; a late decision by '${approver.actor_id}' was refused`,
        })
      }
      throw error
    }
  }

  const approve = async (id: string, options: DecideApprovalOptions): Promise<ApproveResult> => {
    const approver = toPrincipal(options.approver)
    const comment = options.comment ?? null
    const result = await vote(approver, id, 'approve', comment)
    const approval = result.approval
    if (result.kind === 'pending') {
      await record('approved', {
        ...approvalEvent(approval, approver.actor_id),
        reason: `Approval vote ${approval.votes.length} of ${approval.required_approvals}`,
        context: {
          comment,
          channel: options.channel ?? null,
          votes: approval.votes.length,
          required: approval.required_approvals,
          final: false,
        },
      })
      return { status: 'pending', approval }
    }
    if (result.kind !== 'approved') throw new AirlockError(ErrorCode.INTERNAL, 'unexpected vote result')
    await record('approved', {
      ...approvalEvent(approval, approver.actor_id, result.request.requester),
      context: { comment, channel: options.channel ?? null, final: true },
    })
    const definition = actions.get(approval.action)
    if (!definition?.handler || definition.meta.execution === 'requester') {
      // The requester's process runs it (`approvals.resume`): the handler lives there, not here.
      return { status: 'approved', approval }
    }
    const executed = await executeApproved(approval, result.request, approver.actor_id)
    return { status: 'decided', approval: executed.approval, outcome: executed.outcome }
  }

  /**
   * approved → executing → executed | failed, exactly once across processes.
   * Scopes and policy are checked again first, for the requester as they were
   * when they asked, with the original inputs.
   */
  const executeApproved = async (
    approval: Approval,
    sealed: SealedRequest,
    approver: string | null,
  ): Promise<{ approval: Approval; outcome: Outcome }> => {
    const claimed = await approvalService.startExecution(approval)
    const requester = sealed.requester
    const common = approvalEvent(approval, approver, requester)
    let outcome: Outcome = failed(
      approval.request_id,
      '',
      approval.action,
      { message: 'The approved request stopped before its outcome was recorded', code: 'RESULT_UNKNOWN' },
      approval.id,
    )
    try {
      const evaluation = evaluate(approval.action, sealed.inputs as Record<string, unknown>, requester, {
        target: approval.target,
        ticket_id: approval.ticket_id,
      })
      const { decision, code } = authorizeSync(evaluation, requester)
      const definition = evaluation.definition
      if (!definition || decision.decision === 'deny') {
        const reason = `Denied at approval time: ${decision.reason}`
        const event = await record('denied', { ...common, decision, reason })
        outcome = {
          status: 'denied',
          request_id: approval.request_id,
          audit_id: event.id,
          action: approval.action,
          replayed: false,
          code: code ?? 'POLICY',
          reason,
          rule: decision.rule,
          issues: decision.param_errors,
          decision,
        }
      } else {
        outcome = await run(definition, evaluation.inputs, {
          request_id: approval.request_id,
          principal: requester,
          decision,
          target: evaluation.target,
          approval_id: approval.id,
          approver,
          idempotency_key: approval.idempotency_key,
          signal: undefined,
        })
      }
    } finally {
      // Whatever happened, leave `executing`: an approval must never be stuck there.
      const completed = await approvalService
        .complete(claimed, outcome.status === 'executed' ? 'executed' : 'failed', outcome)
        .catch(() => null)
      approval = completed ?? claimed
    }
    return { approval, outcome }
  }

  /** The outcome a finished approval stands for, for a requester that comes back to it. */
  const settledOutcome = async (approval: Approval): Promise<Outcome | null> => {
    if (approval.status === 'executed' || approval.status === 'failed') {
      return { ...(approval.outcome as Outcome), replayed: true }
    }
    if (approval.status !== 'rejected' && approval.status !== 'expired') return null
    const reason =
      approval.status === 'rejected'
        ? `Rejected by ${approval.decided_by ?? 'an approver'}${approval.comment ? `: ${approval.comment}` : ''}`
        : `Approval expired at ${approval.expires_at}`
    const event = await record('replayed', {
      ...approvalEvent(approval, approval.decided_by),
      reason,
      context: { original_status: approval.status },
    })
    return {
      status: 'denied',
      request_id: approval.request_id,
      audit_id: event.id,
      action: approval.action,
      replayed: true,
      code: 'POLICY',
      reason,
      rule: approval.rule,
      issues: [],
      decision: null,
    }
  }

  /** The approval, for its requester only. */
  const ownApproval = async (principal: Principal, id: string, verb: string): Promise<Approval> => {
    const approval = await approvalService.get(principal, id)
    if (approval.requester !== principal.actor_id) {
      throw new AirlockError(
        ErrorCode.FORBIDDEN,
        `Only the requester '${approval.requester}' may ${verb} '${id}'`,
      )
    }
    return approval
  }

  const resume = async (caller: Principal | string, id: string): Promise<Outcome> => {
    const approval = await ownApproval(toPrincipal(caller), id, 'resume')
    if (approval.status === 'approved') {
      return (await executeApproved(approval, approvalService.open(approval), approval.decided_by)).outcome
    }
    const settled = await settledOutcome(approval)
    if (settled) return settled
    throw new AirlockError(
      ErrorCode.APPROVAL_ALREADY_DECIDED,
      `Approval '${id}' is ${approval.status}, not approved`,
      {
        details: { status: approval.status },
      },
    )
  }

  const wait = async (
    caller: Principal | string,
    id: string,
    options: { timeout_ms: number; poll_ms?: number; signal?: AbortSignal },
  ): Promise<Approval> => {
    const principal = toPrincipal(caller)
    const deadline = Date.now() + options.timeout_ms
    for (;;) {
      const approval = await approvalService.get(principal, id)
      if (approval.status !== 'pending') return approval
      options.signal?.throwIfAborted()
      if (Date.now() >= deadline) {
        // Giving up expires the request, so only the one who asked may give up on it.
        if (approval.requester !== principal.actor_id) return approval
        const expired = await approvalService.expireNow(principal, id)
        if (!expired) continue
        await record('expired', {
          ...approvalEvent(expired, null),
          reason: `Nobody decided within ${options.timeout_ms} ms`,
        })
        return expired
      }
      await sleep(Math.min(options.poll_ms ?? 100, Math.max(1, deadline - Date.now())), undefined, {
        ...(options.signal ? { signal: options.signal } : {}),
      })
    }
  }

  const reject = async (id: string, options: DecideApprovalOptions): Promise<Approval> => {
    const approver = toPrincipal(options.approver)
    const comment = options.comment ?? null
    const approval = (await vote(approver, id, 'reject', comment)).approval
    await record('rejected', {
      ...approvalEvent(approval, approver.actor_id),
      reason: comment,
      context: { comment, channel: options.channel ?? null },
    })
    return approval
  }

  const expire = async (): Promise<readonly Approval[]> => {
    const expired = await approvalService.expireDue()
    await Promise.all(
      expired.map((a) =>
        record('expired', { ...approvalEvent(a, null), reason: `Approval expired at ${a.expires_at}` }),
      ),
    )
    return expired
  }

  return {
    store,
    keys: config.keys,
    actions: () => actions.list(),
    getAction: (name) => actions.get(name),
    execute,
    decide: decideSync,
    check,
    checkPlan: async (steps) => {
      const out: CheckResult[] = []
      for (const step of steps) out.push(await check(step.action, step.params ?? {}, step))
      return out
    },
    approvals: {
      list: (caller, options) => approvalService.list(toPrincipal(caller), options),
      get: (caller, id) => approvalService.get(toPrincipal(caller), id),
      approve,
      reject,
      expire,
      wait,
      resume,
      notified: async (caller, id, report) =>
        recordNotified(await approvalService.get(toPrincipal(caller), id), report),
      ticket: async (caller, id) => {
        const keys = config.keys
        if (!keys)
          throw new AirlockError(
            ErrorCode.CONFIG_INVALID,
            'Issuing tickets needs signing keys (config `keys`)',
          )
        const approval = await ownApproval(toPrincipal(caller), id, 'take the ticket of')
        if (approval.status !== 'approved' || approval.decided_at === null) {
          throw new AirlockError(
            ErrorCode.APPROVAL_ALREADY_DECIDED,
            `Approval '${id}' is ${approval.status}, not approved`,
            {
              details: { status: approval.status },
            },
          )
        }
        const { inputs } = approvalService.open(approval)
        const issued = await ticketForApproval(keys, {
          action: approval.action,
          target: approval.target,
          params: inputs as Record<string, unknown>,
          caller: approval.requester,
          tenant: approval.tenant_id,
          audit_id: approval.request_id,
          approval_id: approval.id,
          approved_at: approval.decided_at,
          ...(config.tickets?.ttl_s === undefined ? {} : { ttl_s: config.tickets.ttl_s }),
          ...(config.tickets?.audience === undefined ? {} : { audience: config.tickets.audience }),
          now: now(),
        })
        return {
          token: issued.token,
          nonce: issued.claims.jti,
          expires_at: new Date(issued.claims.exp * 1000).toISOString(),
        }
      },
    },
    audit: {
      list: (filter, limit, cursor) => store.audit.list(filter, limit, cursor),
      verify: () => verifyStore(store),
    },
    sweep: async () => {
      const expired = await expire()
      const idempotency_purged = await gate.purge()
      const nonces_purged = await store.nonces.purge(now().toISOString())
      return { expired: expired.length, idempotency_purged, nonces_purged }
    },
    close: async () => {
      try {
        await Promise.all(deliveries)
        await writer.close()
        await store.close()
      } finally {
        await config.on_close?.()
      }
    },
  }
}
