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
import { AuditWriter } from '../audit/audit-writer.js'
import { createRedactor } from '../audit/redact.js'
import { createSealer, generateSealKey } from '../audit/seal.js'
import { verifyStore } from '../audit/verify-chain.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Dependency } from '../health/dependency.js'
import { IdempotencyGate } from '../idempotency/idempotency-gate.js'
import { PolicyEngine } from '../policy/policy-engine.js'
import type { PolicyRule } from '../policy/policy-rule.js'
import type { Store } from '../store/store.js'
import { approvalTicket, resume } from './approvals/resume.js'
import { approve, reject } from './approvals/vote.js'
import { expireDue, wait } from './approvals/wait.js'
import { check, decideRequest } from './check/check.js'
import { execute } from './execute.js'
import { createChannelNotifier } from './hold/channel-notifier.js'
import { toPrincipal } from './identify/identify.js'
import type { PipelineDeps } from './pipeline-deps.js'
import type { Airlock, AirlockConfig, CheckResult, ExecuteOptions } from './pipeline-types.js'
import { recordNotified } from './record/approval-event.js'
import { createRecorder } from './record/recorder.js'
import { toActionSource, toTargetSource } from './resolve/sources.js'

/** {@link AirlockConfig} with the store chosen. */
export type PipelineConfig = AirlockConfig & { readonly store: Store }

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
  const sealer = createSealer(config.seal ?? { keys: { k0: generateSealKey() }, current: 'k0' })
  const redactor = createRedactor(config.redaction)
  const recorder = createRecorder({ writer: new AuditWriter(store.audit), redactor, now })
  const approvals = new ApprovalService({
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
  const deps: PipelineDeps = {
    actions,
    targets: toTargetSource(config.inventory),
    engine:
      config.policies instanceof PolicyEngine
        ? config.policies
        : new PolicyEngine((config.policies ?? []) as readonly PolicyRule[], {
            default_decision: config.default_decision,
          }),
    unknown_actions: config.unknown_actions ?? 'deny',
    store,
    limits: config.limits,
    gate: new IdempotencyGate(store.idempotency, config.idempotency, now),
    approvals,
    sealer,
    recorder,
    notifier: createChannelNotifier({
      channels: config.channels ?? [],
      recordNotified: (approval, report) => recordNotified({ recorder }, approval, report),
      // A channel's decision goes through the same vote path as any other.
      decide: (id, verdict, options) =>
        verdict === 'approve' ? approve(deps, id, options) : reject(deps, id, options),
    }),
    keys: config.keys,
    tickets: config.tickets,
    audit_checks: config.audit_checks ?? true,
    now,
  }
  return deps
}

/** Wires a pipeline over the given store. */
export function createPipeline(config: PipelineConfig): Airlock {
  const deps = wire(config)
  const { store, approvals: service } = deps
  const sweepExpired = () => expireDue(deps)
  const storeDependency: Dependency = {
    name: 'store',
    required: true,
    check: () => store.ping(),
    ...(store.health ? { health: store.health } : {}),
  }
  return {
    store,
    dependencies: [storeDependency, ...(config.dependencies ?? [])],
    keys: config.keys,
    actions: () => deps.actions.list(),
    getAction: (name) => deps.actions.get(name),
    execute: ((
      action: string | { name: string },
      inputs: Record<string, unknown>,
      options?: ExecuteOptions,
    ) =>
      execute(
        deps,
        typeof action === 'string' ? action : action.name,
        inputs,
        options,
      )) as Airlock['execute'],
    decide: (action, inputs, options) => decideRequest(deps, action, inputs, options),
    check: (action, inputs, options) => check(deps, action, inputs, options),
    checkPlan: async (steps) => {
      const out: CheckResult[] = []
      for (const step of steps) out.push(await check(deps, step.action, step.params ?? {}, step))
      return out
    },
    approvals: {
      list: (caller, options) => service.list(toPrincipal(caller), options),
      get: (caller, id) => service.get(toPrincipal(caller), id),
      approve: (id, options) => approve(deps, id, options),
      reject: (id, options) => reject(deps, id, options),
      expire: sweepExpired,
      wait: (caller, id, options) => wait(deps, caller, id, options),
      resume: (caller, id) => resume(deps, caller, id),
      notified: async (caller, id, report) =>
        recordNotified(deps, await service.get(toPrincipal(caller), id), report),
      ticket: (caller, id) => approvalTicket(deps, caller, id),
    },
    audit: {
      list: (filter, limit, cursor) => store.audit.list(filter, limit, cursor),
      verify: () => verifyStore(store),
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
      try {
        await deps.notifier.drain()
        await deps.recorder.close()
        await store.close()
      } finally {
        await config.on_close?.()
      }
    },
  }
}
