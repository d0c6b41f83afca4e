/**
 * A policy set: one immutable snapshot of everything that decides a request
 * (rules, templates, inventory, action catalogue), named by a content hash
 * and a human label. A request reads exactly one set from start to end, so
 * a reload never lets it see half of two versions.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import type { ActionDefinition } from '../../actions/action-definition.js'
import type { Target } from '../../inventory/target.js'
import type { DecisionResult } from '../decision.js'
import { PolicyEngine } from '../policy-engine.js'
import type { PolicyRule } from '../policy-rule.js'

/** Anything that can look actions up by name (an `ActionRegistry` fits). */
export interface PolicyActions {
  get(name: string): ActionDefinition | undefined
  list(): readonly ActionDefinition[]
}

/** Anything that can look targets up by id (an `Inventory` fits). */
export interface PolicyTargets {
  get(id: string): Target | undefined
}

/** What a set is built from. */
export interface PolicySetInput {
  readonly engine: PolicyEngine
  readonly actions: PolicyActions
  readonly targets: PolicyTargets
  /** A human name (`policy: { label }`), e.g. `2026-12-05 tighten deletes`. */
  readonly label?: string | null
  /**
   * Hash of the files the set was loaded from. Without it the hash covers
   * the set's shape (rule names and priorities, action names, default).
   */
  readonly content_hash?: string | null
  /** The files the set was loaded from (relative to the config), for `GET /policy`. */
  readonly files?: readonly string[]
  /** When the set was loaded. */
  readonly loaded_at: Date
}

/** A loaded, immutable policy set. */
export interface PolicySet {
  /** `sha256:` + the first 16 hex digits of the content hash: what decisions and audit events name. */
  readonly version: string
  readonly label: string | null
  /** The full content hash (hex). */
  readonly hash: string
  readonly loaded_at: string
  readonly files: readonly string[]
  readonly engine: PolicyEngine
  readonly actions: PolicyActions
  readonly targets: PolicyTargets
}

/** What `GET /policy` and `airlock policy show` print about a set. */
export interface PolicySetSummary {
  readonly version: string
  readonly label: string | null
  readonly hash: string
  readonly loaded_at: string
  readonly files: readonly string[]
  readonly rules: number
  readonly actions: number
  readonly default_decision: DecisionResult
}

/** The hash of a set loaded from code: its shape, since there are no files to hash. */
function shapeHash(engine: PolicyEngine, actions: PolicyActions): string {
  const shape = {
    default: engine.default_decision,
    rules: engine.rules.map((r) => [r.name, r.priority]),
    actions: actions.list().map((a) => [a.name, a.risk]),
  }
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex')
}

/** Freezes a set and names its version. */
export function createPolicySet(input: PolicySetInput): PolicySet {
  const hash = input.content_hash ?? shapeHash(input.engine, input.actions)
  return Object.freeze({
    version: `sha256:${hash.slice(0, 16)}`,
    label: input.label ?? null,
    hash,
    loaded_at: input.loaded_at.toISOString(),
    files: Object.freeze([...(input.files ?? [])]),
    engine: input.engine,
    actions: input.actions,
    targets: input.targets,
  })
}

/** A set from plain rules (for code that has no files). */
export function policySetFromRules(
  rules: readonly PolicyRule[],
  options: { default_decision?: DecisionResult; actions: PolicyActions; targets: PolicyTargets },
): PolicySet {
  return createPolicySet({
    engine: new PolicyEngine(rules, { default_decision: options.default_decision }),
    actions: options.actions,
    targets: options.targets,
    loaded_at: new Date(),
  })
}

/** Hashes named contents (file path → bytes) in a stable order, with the default decision. */
export function contentHash(
  files: readonly { readonly name: string; readonly content: Uint8Array | string }[],
  default_decision: DecisionResult,
): string {
  const hash = createHash('sha256').update(`default_decision=${default_decision}\n`)
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const bytes = typeof file.content === 'string' ? Buffer.from(file.content) : file.content
    hash.update(`${file.name}\n${bytes.length}\n`).update(bytes)
  }
  return hash.digest('hex')
}

export function summarizePolicySet(set: PolicySet): PolicySetSummary {
  return {
    version: set.version,
    label: set.label,
    hash: set.hash,
    loaded_at: set.loaded_at,
    files: set.files,
    rules: set.engine.rules.length,
    actions: set.actions.list().length,
    default_decision: set.engine.default_decision,
  }
}
