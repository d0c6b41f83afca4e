/**
 * Wires a pipeline from its configuration and a store. The one place that
 * knows the order of the stages (see `execute.ts` for a request, `approvals/`
 * for held ones). It imports no store implementation: the caller supplies
 * one (`createAirlock` defaults to the memory store; config loading opens
 * the configured one).
 *
 * @module
 */

import { ApprovalService } from '../approvals/approval-service.js'
import { createRedactor } from '../audit/redact.js'
import { createSealer, generateSealKey } from '../audit/seal.js'
import { verifyStore } from '../audit/verify-chain.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { ExecutionRuntime } from '../executors/execution-runtime.js'
import type { Dependency } from '../health/dependency.js'
import { IdempotencyGate } from '../idempotency/idempotency-gate.js'
import { generateSigningKey } from '../identity/tokens/generate-signing-key.js'
import { createKeySet, type KeySet } from '../identity/tokens/key-set.js'
import { PolicyEngine } from '../policy/policy-engine.js'
import type { PolicyRule } from '../policy/policy-rule.js'
import { DifferenceTally } from '../policy/versioning/difference-report.js'
import { PolicyHolder } from '../policy/versioning/policy-holder.js'
import { createPolicySet } from '../policy/versioning/policy-set.js'
import { GroupCommit } from '../store/group-commit.js'
import type { Store } from '../store/store.js'
import { NO_TRACING } from '../tracing/stage-tracer.js'
import { approvalTicket, resume } from './approvals/resume.js'
import { approve, reject } from './approvals/vote.js'
import { expireDue, wait } from './approvals/wait.js'
import { check, decideRequest } from './check/check.js'
import { execute } from './execute.js'
import { freezeControl } from './freeze/freeze-control.js'
import { FreezeGate } from './freeze/freeze-gate.js'
import { createChannelNotifier } from './hold/channel-notifier.js'
import { withClientRequestId } from './identify/client-request-id.js'
import { toPrincipal } from './identify/identify.js'
import type { PipelineDeps } from './pipeline-deps.js'
import type { Airlock, AirlockConfig, CheckResult, ExecuteOptions } from './pipeline-types.js'
import { atSnapshot } from './policy/at-snapshot.js'
import { policyControl } from './policy/policy-control.js'
import { recordNotified } from './record/approval-event.js'
import { authFailureSummary } from './record/auth-failure-summary.js'
import { createRecorder, eventWriter } from './record/recorder.js'
import { toActionSource, toTargetSource } from './resolve/sources.js'
import { findAuditEvent } from './rollback/find-event.js'
import { rollbackPlan, rollbackRun } from './rollback/rollback.js'

/** How often freezes are re-read from a shared store while its change feed is not listening: the fallback bound. */
const FREEZE_POLL_MS = 250

/** {@link AirlockConfig} with the store chosen and, when actions run through executors, their runtime. */
export type PipelineConfig = AirlockConfig & {
  readonly store: Store
  readonly execution?: ExecutionRuntime
}

/** The configured keys, or (once, lazily) a key made for this process: runner tickets never leave it. */
function runKeys(keys: KeySet | undefined): () => Promise<KeySet> {
  let made: Promise<KeySet> | undefined
  return () => {
    if (keys) return Promise.resolve(keys)
    made ??= generateSigningKey({ kid: 'run' }).then((key) => createKeySet({ keys: [key] }))
    return made
  }
}

function wire(config: PipelineConfig): PipelineDeps {
  const now = config.now ?? (() => new Date())
  const { store } = config
  if (config.seal === undefined && store.kind !== 'memory') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `A '${store.kind}' store needs seal keys (config 'seal'): held requests keep their original inputs encrypted, and a key made up at start could not open them after a restart`,
    )
  }
  const actions = toActionSource(config.actions)
  const targets = toTargetSource(config.inventory)
  const engine =
    config.policies instanceof PolicyEngine
      ? config.policies
      : new PolicyEngine((config.policies ?? []) as readonly PolicyRule[], {
          default_decision: config.default_decision,
        })
  const policy = new PolicyHolder(
    createPolicySet({
      engine,
      actions,
      targets,
      label: config.policy?.label ?? null,
      content_hash: config.policy?.content_hash ?? null,
      files: config.policy?.files ?? [],
      loaded_at: now(),
    }),
  )
  const shadow = config.policy?.shadow ?? null
  const sealer = createSealer(config.seal ?? { keys: { k0: generateSealKey() }, current: 'k0' })
  const redactor = createRedactor(config.redaction)
  // Claims, audit events and stored outcomes of concurrent requests share
  // commits: one transaction (one fsync) per batch, with or without keys.
  const commit = new GroupCommit(store)
  const recorder = createRecorder({
    writer: eventWriter(commit),
    redactor,
    now,
    policyVersion: () => policy.current().version,
  })
  const approvals = new ApprovalService({
    store: store.approvals,
    protector: {
      seal: (v, aad) => sealer.seal(v, aad),
      open: (s, aad) => sealer.open(s, aad),
      redact: (v) => redactor.redact(v),
    },
    config: config.approvals,
    now,
    // An approval is judged by the catalogue in force when it is decided.
    getAction: (name) => policy.current().actions.get(name),
  })
  const deps: PipelineDeps = {
    policy,
    snapshot: null,
    policy_version: policy.current().version,
    shadow_slot: {
      run: shadow === null ? null : { set: shadow, tally: new DifferenceTally(shadow.version) },
    },
    shadow: null,
    actions,
    targets,
    engine,
    unknown_actions: config.unknown_actions ?? 'deny',
    store,
    freezes: new FreezeGate(store.freezes),
    limits: config.limits,
    gate: new IdempotencyGate(commit.idempotency(store.idempotency), config.idempotency, now),
    approvals,
    sealer,
    recorder,
    notifier: createChannelNotifier({
      channels: config.channels ?? [],
      claim: (approval) => store.approvals.claimNotice(approval.tenant_id, approval.id, now().toISOString()),
      recordNotified: (approval, report) => recordNotified({ recorder }, approval, report),
      // A channel's decision goes through the same vote path as any other.
      decide: (id, verdict, options) =>
        verdict === 'approve'
          ? approve(atSnapshot(deps), id, options)
          : reject(atSnapshot(deps), id, options),
    }),
    keys: config.keys,
    tickets: config.tickets,
    audit_checks: config.audit_checks ?? true,
    execution: config.execution,
    run_keys: runKeys(config.keys),
    tracer: config.tracer ?? NO_TRACING,
    now,
  }
  return deps
}

/** Wires a pipeline over the given store. */
export function createPipeline(config: PipelineConfig): Airlock {
  const deps = wire(config)
  const { store, approvals: service } = deps
  // Every entry point captures the policy set once; the request keeps it to the end.
  // Requests under the same set (and shadow run) share its bound deps, built once per reload.
  let bound: PipelineDeps | null = null
  const at = (): PipelineDeps => {
    const current = bound
    if (current?.snapshot === deps.policy.current() && current.shadow === deps.shadow_slot.run) {
      return current
    }
    bound = atSnapshot(deps)
    return bound
  }
  // Requests that name their own id have it in each of their audit events.
  const forRequest = (options: { client_request_id?: string | null } | undefined) =>
    withClientRequestId(at(), options?.client_request_id)
  const sweepExpired = () => expireDue(at())
  // Another replica (or `airlock freeze` on the store) may freeze at any time; an embedded store has no other writer.
  if (store.kind !== 'memory') deps.freezes.start(FREEZE_POLL_MS, store.changes)
  const authFailures = authFailureSummary({
    recorder: deps.recorder,
    now: deps.now,
    ...config.auth_failures,
  })
  const storeDependency: Dependency = {
    name: 'store',
    required: true,
    check: () => store.ping(),
    ...(store.health ? { health: store.health } : {}),
  }
  return {
    store,
    policy: policyControl(deps),
    dependencies: [storeDependency, ...(config.dependencies ?? [])],
    keys: config.keys,
    actions: () => deps.policy.current().actions.list(),
    getAction: (name) => deps.policy.current().actions.get(name),
    // async, so a refused option rejects the promise instead of throwing.
    execute: (async (
      action: string | { name: string },
      inputs: Record<string, unknown>,
      options?: ExecuteOptions,
    ) =>
      execute(
        forRequest(options),
        typeof action === 'string' ? action : action.name,
        inputs,
        options,
      )) as Airlock['execute'],
    decide: (action, inputs, options) => decideRequest(at(), action, inputs, options),
    check: async (action, inputs, options) => check(forRequest(options), action, inputs, options),
    checkPlan: async (steps) => {
      // One plan, one policy set: its steps are judged together.
      const planDeps = at()
      const out: CheckResult[] = []
      // Every step's id is checked before the first step is audited.
      const stepDeps = steps.map((step) => withClientRequestId(planDeps, step.client_request_id))
      for (const [i, step] of steps.entries()) {
        out.push(await check(stepDeps[i] ?? planDeps, step.action, step.params ?? {}, step))
      }
      return out
    },
    approvals: {
      list: (caller, options) => service.list(toPrincipal(caller), options),
      get: (caller, id) => service.get(toPrincipal(caller), id),
      approve: async (id, options) => approve(forRequest(options), id, options),
      reject: async (id, options) => reject(forRequest(options), id, options),
      expire: sweepExpired,
      wait: (caller, id, options) => wait(at(), caller, id, options),
      resume: (caller, id) => resume(at(), caller, id),
      notified: async (caller, id, report) =>
        recordNotified(at(), await service.get(toPrincipal(caller), id), report),
      ticket: (caller, id) => approvalTicket(at(), caller, id),
    },
    freezes: freezeControl(deps),
    audit: {
      list: (filter, limit, cursor) => store.audit.list(filter, limit, cursor),
      verify: () => verifyStore(store),
      get: (id, caller) => findAuditEvent(store, toPrincipal(caller).tenant_id, id),
      failedAuthentication: (attempt) => authFailures.add(attempt),
    },
    rollback: {
      plan: (audit_id, caller) => rollbackPlan(at(), caller, audit_id),
      run: (audit_id, caller, options) =>
        rollbackRun(at(), audit_id, { ...options, ...(caller === undefined ? {} : { caller }) }),
    },
    sweep: async () => {
      const once = async () => {
        const expired = await sweepExpired()
        const idempotency_purged = await deps.gate.purge()
        const nonces_purged = await store.nonces.purge(deps.now().toISOString())
        return { expired: expired.length, idempotency_purged, nonces_purged }
      }
      // With replicas sharing a store, one sweeps at a time; the others skip this round.
      const swept = store.exclusive ? await store.exclusive('sweep', once) : await once()
      return swept ?? { expired: 0, idempotency_purged: 0, nonces_purged: 0 }
    },
    close: async () => {
      deps.freezes.stop()
      try {
        await deps.notifier.drain()
        // The last window's summaries; a store that fails now must not keep the rest from closing.
        await authFailures.flush().catch(() => undefined)
        await deps.recorder.close()
        try {
          await config.on_drained?.()
        } finally {
          await store.close()
        }
      } finally {
        await config.on_close?.()
      }
    },
  }
}
