/**
 * The difference report shared by shadow mode and replay: how many requests
 * a candidate policy set would decide differently from the enforced one,
 * grouped by transition (allow→deny, allow→require_approval, …) and, within
 * each, by rule, action and caller, with a few examples.
 *
 * @module
 */
import type { DecisionResult } from '../decision.js'

/** One request both sets decided. */
export interface DecisionPair {
  readonly request_id: string
  readonly at: string
  readonly action: string
  readonly caller: string
  readonly target: string | null
  readonly enforced: { readonly decision: DecisionResult; readonly rule: string | null }
  readonly candidate: { readonly decision: DecisionResult; readonly rule: string | null }
  /** The candidate's decision read a field whose recorded value was redacted. */
  readonly uncertain?: boolean
}

/** Requests that moved from one decision to another. */
export interface Transition {
  readonly from: DecisionResult
  readonly to: DecisionResult
  readonly count: number
  readonly uncertain: number
  /** Keyed by the candidate rule that decided (`(default)` when none matched). */
  readonly by_rule: Readonly<Record<string, number>>
  readonly by_action: Readonly<Record<string, number>>
  readonly by_caller: Readonly<Record<string, number>>
  readonly examples: readonly DecisionPair[]
}

export interface DifferenceReport {
  readonly enforced_version: string | null
  readonly candidate_version: string
  /** Requests both sets decided. */
  readonly compared: number
  /** Of those, how many the candidate decides differently. */
  readonly changed: number
  readonly uncertain: number
  readonly transitions: readonly Transition[]
}

const MAX_EXAMPLES = 5

interface MutableTransition {
  from: DecisionResult
  to: DecisionResult
  count: number
  uncertain: number
  by_rule: Record<string, number>
  by_action: Record<string, number>
  by_caller: Record<string, number>
  examples: DecisionPair[]
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1
}

/** Counts decision pairs as they arrive; `report()` is a snapshot. */
export class DifferenceTally {
  #compared = 0
  #uncertain = 0
  readonly #byTransition = new Map<string, MutableTransition>()

  constructor(
    readonly candidate_version: string,
    readonly enforced_version: string | null = null,
  ) {}

  add(pair: DecisionPair): void {
    this.#compared++
    if (pair.enforced.decision === pair.candidate.decision) return
    const key = `${pair.enforced.decision}>${pair.candidate.decision}`
    let t = this.#byTransition.get(key)
    if (!t) {
      t = {
        from: pair.enforced.decision,
        to: pair.candidate.decision,
        count: 0,
        uncertain: 0,
        by_rule: Object.create(null) as Record<string, number>,
        by_action: Object.create(null) as Record<string, number>,
        by_caller: Object.create(null) as Record<string, number>,
        examples: [],
      }
      this.#byTransition.set(key, t)
    }
    t.count++
    if (pair.uncertain) {
      t.uncertain++
      this.#uncertain++
    }
    bump(t.by_rule, pair.candidate.rule ?? '(default)')
    bump(t.by_action, pair.action)
    bump(t.by_caller, pair.caller)
    if (t.examples.length < MAX_EXAMPLES) t.examples.push(pair)
  }

  report(): DifferenceReport {
    const transitions = [...this.#byTransition.values()]
      .sort((a, b) => b.count - a.count || (`${a.from}>${a.to}` < `${b.from}>${b.to}` ? -1 : 1))
      .map((t) => ({
        ...t,
        by_rule: { ...t.by_rule },
        by_action: { ...t.by_action },
        by_caller: { ...t.by_caller },
        examples: [...t.examples],
      }))
    return {
      enforced_version: this.enforced_version,
      candidate_version: this.candidate_version,
      compared: this.#compared,
      changed: transitions.reduce((n, t) => n + t.count, 0),
      uncertain: this.#uncertain,
      transitions,
    }
  }
}

/** The report as text for a terminal. */
export function formatDifferenceReport(report: DifferenceReport): string {
  const lines = [
    `candidate ${report.candidate_version}${report.enforced_version ? ` vs enforced ${report.enforced_version}` : ''}`,
    `${report.compared} request(s) compared, ${report.changed} would change` +
      (report.uncertain > 0 ? ` (${report.uncertain} uncertain: a condition read a redacted field)` : ''),
  ]
  const top = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')
  for (const t of report.transitions) {
    lines.push(
      `  ${t.from} -> ${t.to}: ${t.count}${t.uncertain > 0 ? ` (${t.uncertain} uncertain)` : ''}`,
      `    by rule: ${top(t.by_rule)}`,
      `    by action: ${top(t.by_action)}`,
      `    by caller: ${top(t.by_caller)}`,
    )
    for (const e of t.examples) {
      lines.push(
        `    e.g. ${e.at} ${e.caller} ${e.action}${e.target ? ` ${e.target}` : ''} (${e.request_id})`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}
