/**
 * Replay: a candidate policy set decides the requests recorded in the audit
 * log again, and the differences are counted as shadow mode counts them.
 * Each request is replayed from its deciding event (`started`, `held`,
 * `denied`, or a check's `allowed`) with the caller, action, target and
 * inputs as recorded, at the time it was recorded.
 *
 * Reads: the audit chain in order. Writes: nothing.
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import { DEFAULT_MASK } from '../../audit/redaction/redaction-config.js'
import type { DelegationLink, Principal } from '../../identity/principal.js'
import type { DecisionResult } from '../../policy/decision.js'
import type { PolicyRequest } from '../../policy/policy-rule.js'
import {
  type DecisionPair,
  type DifferenceReport,
  DifferenceTally,
} from '../../policy/versioning/difference-report.js'
import type { PolicySet } from '../../policy/versioning/policy-set.js'
import type { AuditStore } from '../../store/store.js'
import { authorizeDecision } from '../authorize/authorize-decision.js'
import { resolveRequest } from '../resolve/resolve-request.js'

/** Options of {@link replayAudit}. */
export interface ReplayOptions {
  readonly candidate: PolicySet
  /** Inclusive ISO lower bound on the events replayed. */
  readonly since: string
  /** Exclusive ISO upper bound; default: no bound. */
  readonly until?: string
  readonly unknown_actions?: 'deny' | 'evaluate'
  /** The text redaction put in place of secrets (`redaction.mask`); default `**REDACTED**`. */
  readonly mask?: string
  /** Called for every replayed request (for tests and exports). */
  readonly onPair?: (pair: DecisionPair) => void
}

export interface ReplayResult {
  readonly report: DifferenceReport
  /** Events read from the chain in the time range. */
  readonly events_read: number
}

const DECIDING = new Set(['started', 'held', 'denied', 'allowed'])
const PAGE = 2_000

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** The caller as the rules saw it, from what the event recorded. */
function principalOf(event: AuditEvent): Principal {
  const caller = (event.context?.caller ?? {}) as Record<string, unknown>
  const chain: DelegationLink[] = strings(event.context?.delegated_by).map((actor_id) => ({
    actor_id,
    roles: [],
    groups: [],
  }))
  return {
    actor_id: event.actor,
    roles: strings(caller.roles),
    groups: strings(caller.groups),
    scopes: strings(caller.scopes),
    tenant_id: event.tenant_id,
    delegation_chain: chain,
    auth: event.actor === 'anonymous' ? 'anonymous' : 'replay',
  }
}

/** Whether `value` holds the mask anywhere (a redacted secret). */
function masked(value: unknown, mask: string): boolean {
  if (typeof value === 'string') return value.includes(mask)
  if (Array.isArray(value)) return value.some((v) => masked(v, mask))
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => masked(v, mask))
  return false
}

/** `args` behind a proxy that notes which parameters a rule reads (every one, when it lists them). */
function tracked(
  args: Readonly<Record<string, unknown>>,
  reads: { keys: Set<string | symbol>; all: boolean },
) {
  return new Proxy(args, {
    get(target, key, receiver) {
      reads.keys.add(key)
      return Reflect.get(target, key, receiver)
    },
    has(target, key) {
      reads.keys.add(key)
      return Reflect.has(target, key)
    },
    ownKeys(target) {
      reads.all = true
      return Reflect.ownKeys(target)
    },
  })
}

/**
 * The candidate's decision, and whether a rule read a parameter whose
 * recorded value was redacted (then the decision is uncertain).
 */
function decideWith(set: PolicySet, event: AuditEvent, unknown_actions: 'deny' | 'evaluate', mask: string) {
  const principal = principalOf(event)
  const reads = { keys: new Set<string | symbol>(), all: false }
  // The rules see the parameters through the proxy; validation before them does not count as reading.
  const engine = Object.create(set.engine) as PolicySet['engine']
  Object.defineProperty(engine, 'evaluate', {
    value: (request: PolicyRequest) =>
      set.engine.evaluate({ ...request, args: tracked(request.args, reads) }),
  })
  const inputs = (event.inputs ?? {}) as Record<string, unknown>
  const evaluation = resolveRequest(
    {
      actions: set.actions,
      targets: set.targets,
      engine,
      unknown_actions,
      now: () => new Date(event.ts),
      policy_version: set.version,
    },
    { action: event.action, inputs, principal, target: event.target, ticket_id: event.ticket_id },
  )
  const decision = authorizeDecision(evaluation, principal).decision
  const read = reads.all
    ? Object.keys(inputs)
    : [...reads.keys].filter((k): k is string => typeof k === 'string')
  const uncertain = read.some((key) => Object.hasOwn(inputs, key) && masked(inputs[key], mask))
  return { decision, uncertain }
}

/** The deciding event of a request: the first event that carries its decision (approvals' later events do not count). */
export function isDeciding(event: AuditEvent): boolean {
  return (
    DECIDING.has(event.status) &&
    event.decision !== null &&
    !event.action.startsWith('airlock.') &&
    event.context?.refused_decision === undefined
  )
}

/**
 * Replays every request recorded in `[since, until)` against the candidate.
 *
 * @remarks A decision is `uncertain` when a candidate rule read a
 * parameter whose recorded value was redacted: it decided on something
 * the log no longer has.
 */
export async function replayAudit(
  audit: Pick<AuditStore, 'range'>,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const { candidate } = options
  const mask = options.mask ?? DEFAULT_MASK
  const unknown_actions = options.unknown_actions ?? 'deny'
  const tally = new DifferenceTally(candidate.version, null)
  const seen = new Set<string>()
  let after = 0
  let events_read = 0
  for (;;) {
    const page = await audit.range(after, PAGE)
    if (page.length === 0) break
    after = page[page.length - 1]?.seq ?? after
    for (const event of page) {
      if (event.ts < options.since || (options.until !== undefined && event.ts >= options.until)) continue
      events_read++
      if (!isDeciding(event) || seen.has(event.request_id)) continue
      seen.add(event.request_id)
      const { decision: decided, uncertain } = decideWith(candidate, event, unknown_actions, mask)
      const pair: DecisionPair = {
        request_id: event.request_id,
        at: event.ts,
        action: event.action,
        caller: event.actor,
        target: event.target,
        enforced: { decision: event.decision as DecisionResult, rule: event.rule },
        candidate: { decision: decided.decision, rule: decided.rule },
        ...(uncertain ? { uncertain: true } : {}),
      }
      tally.add(pair)
      options.onPair?.(pair)
    }
  }
  return { report: tally.report(), events_read }
}
