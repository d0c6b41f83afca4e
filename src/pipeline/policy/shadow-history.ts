/**
 * The shadow report of every replica: built from the candidate verdicts
 * that shadow mode keeps in each request's deciding audit event
 * (`context.shadow`), so any number of replicas sharing one store are
 * counted together, and the report survives their restarts. The report of
 * one process (`airlock.policy.shadowReport()`) counts only what that
 * process saw since its candidate was set.
 *
 * Reads: the audit log, newest first, within a time range. Writes: nothing.
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import type { DecisionResult } from '../../policy/decision.js'
import { type DifferenceReport, DifferenceTally } from '../../policy/versioning/difference-report.js'
import type { AuditStore } from '../../store/store.js'
import { isDeciding } from './replay.js'

/** Options of {@link shadowHistory}. */
export interface ShadowHistoryOptions {
  /** Inclusive ISO lower bound on the events read. */
  readonly since: string
  /** Exclusive ISO upper bound; default: no bound. */
  readonly until?: string
  /** The candidate version to report on; default: the one in the newest shadowed event of the range. */
  readonly version?: string
  /** Only this tenant's requests; default: every tenant's. */
  readonly tenant_id?: string
  /** Stop after reading this many events (the report then says `complete: false`). Default 100,000. */
  readonly max_events?: number
}

/** A difference report over the shared audit log, and how much of it was read. */
export interface ShadowHistoryReport extends Omit<DifferenceReport, 'candidate_version'> {
  /** Null when no event of the range carries a candidate verdict. */
  readonly candidate_version: string | null
  readonly since: string
  readonly until: string | null
  /** Events read from the log in the range. */
  readonly events_read: number
  /** False when `max_events` stopped the read before the start of the range. */
  readonly complete: boolean
}

const PAGE = 1_000
const DEFAULT_MAX_EVENTS = 100_000
const DECISIONS: ReadonlySet<string> = new Set(['allow', 'deny', 'require_approval'])

/** The candidate's verdict kept in `event`, if the event carries a well-formed one. */
function verdictOf(
  event: AuditEvent,
): { decision: DecisionResult; rule: string | null; version: string } | null {
  const shadow = event.context?.shadow as Record<string, unknown> | undefined
  if (shadow === undefined || shadow === null || typeof shadow !== 'object') return null
  const { decision, rule, version } = shadow
  if (typeof decision !== 'string' || !DECISIONS.has(decision) || typeof version !== 'string') return null
  return { decision: decision as DecisionResult, rule: typeof rule === 'string' ? rule : null, version }
}

/**
 * What the enforced set decided when the candidate was compared: limits
 * are applied after the comparison, so a decision a risk budget escalated
 * is compared as it was before.
 */
function enforcedOf(event: AuditEvent): DecisionResult {
  const before = event.context?.escalated_from
  return typeof before === 'string' && DECISIONS.has(before)
    ? (before as DecisionResult)
    : (event.decision as DecisionResult)
}

/**
 * Counts how the candidate decided differently from the enforced set on
 * the requests recorded in `[since, until)`, whichever replica served them.
 *
 * @remarks Only requests decided while a candidate ran carry a verdict;
 * requests a freeze or a rate limit refused before the rules were asked
 * carry none and are not compared. Each request counts once.
 */
export async function shadowHistory(
  audit: Pick<AuditStore, 'list'>,
  options: ShadowHistoryOptions,
): Promise<ShadowHistoryReport> {
  const max = options.max_events ?? DEFAULT_MAX_EVENTS
  const filter = {
    since: options.since,
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(options.tenant_id === undefined ? {} : { tenant_id: options.tenant_id }),
  }
  let version = options.version ?? null
  let tally: DifferenceTally | null = version === null ? null : new DifferenceTally(version)
  const enforced = new Set<string>()
  const seen = new Set<string>()
  let events_read = 0
  let cursor: string | null = null
  do {
    const page = await audit.list(filter, PAGE, cursor)
    cursor = page.next_cursor
    for (const event of page.items) {
      events_read++
      const verdict = isDeciding(event) ? verdictOf(event) : null
      if (verdict === null || seen.has(event.request_id)) continue
      version ??= verdict.version
      tally ??= new DifferenceTally(version)
      if (verdict.version !== version) continue
      seen.add(event.request_id)
      const deciding = event.context?.policy_version
      if (typeof deciding === 'string') enforced.add(deciding)
      tally.add({
        request_id: event.request_id,
        at: event.ts,
        action: event.action,
        caller: event.actor,
        target: event.target,
        enforced: { decision: enforcedOf(event), rule: event.rule },
        candidate: { decision: verdict.decision, rule: verdict.rule },
      })
    }
  } while (cursor !== null && events_read < max)
  const report = tally?.report()
  return {
    enforced_version: enforced.size === 1 ? ([...enforced][0] ?? null) : null,
    candidate_version: version,
    compared: report?.compared ?? 0,
    changed: report?.changed ?? 0,
    uncertain: 0,
    transitions: report?.transitions ?? [],
    since: options.since,
    until: options.until ?? null,
    events_read,
    complete: cursor === null,
  }
}
