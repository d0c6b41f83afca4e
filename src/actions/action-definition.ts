import type { z } from 'zod'
import type { Principal } from '../identity/principal.js'
import type { Target } from '../inventory/target.js'
import type { RiskClass } from '../policy/risk-matrix.js'

/** One problem with an action's inputs. `path` points into the inputs object. */
export interface ParamIssue {
  readonly path: readonly (string | number)[]
  /** Stable, snake_case: `missing`, `unknown_key`, `invalid_type`, `too_small`, `too_big`, `invalid_format`, `invalid_value`, `custom`. */
  readonly code: string
  readonly message: string
}

export type ValidationResult<I> =
  | { readonly ok: true; readonly value: I }
  | { readonly ok: false; readonly issues: readonly ParamIssue[] }

/** What a handler is told about the call it serves. */
export interface ActionContext {
  readonly principal: Principal
  readonly target: Target | undefined
  /** The requested target id, kept even when the inventory does not know it. */
  readonly target_id: string | null
  /** Correlates every audit event of one request. */
  readonly request_id: string
  readonly approval_id: string | null
  readonly idempotency_key: string | null
  readonly signal: AbortSignal
}

/**
 * Runs an action. Declared in method form on purpose: method parameters are
 * checked bivariantly, so an `ActionDefinition<{ id: string }>` is still an
 * `ActionDefinition` and registries need no `any`.
 */
export type ActionHandler<I, O> = {
  handle(input: I, context: ActionContext): O | Promise<O>
}['handle']

/**
 * An action an agent may ask for: its schema, risk and rules of engagement.
 * Built by {@link defineAction} in code or loaded from YAML; both produce this.
 */
export interface ActionDefinition<I = unknown, O = unknown> {
  readonly name: string
  readonly version: string | undefined
  readonly description: string
  readonly risk: RiskClass
  readonly required_scopes: readonly string[]
  readonly approval_required: boolean
  /** Roles an approver must hold (any of them); empty means the configured default. */
  readonly approver_roles: readonly string[]
  /** Distinct approvers needed before a held request runs (a quorum); 1 by default. */
  readonly required_approvals: number
  readonly tags: readonly string[]
  /** Target types this action may be aimed at; empty means it takes no typed target. */
  readonly target_types: readonly string[]
  readonly input: z.ZodType<I>
  readonly output: z.ZodType<O> | undefined
  readonly handler: ActionHandler<I, O> | undefined
  /** Where it was defined: a file path, or `code`. */
  readonly source: string
  /** Format-specific extras kept for executors and tools (prechecks, credentials, rollback, ...). */
  readonly meta: Readonly<Record<string, unknown>>
  /** JSON Schema (draft 2020-12) of the inputs, fit for an LLM tool definition. */
  readonly input_schema: Readonly<Record<string, unknown>>
  /** Checks inputs; never throws for bad input. */
  validate(inputs: unknown): ValidationResult<I>
}

/** Any action definition, whatever its input and output types (the handler is bivariant, see {@link ActionHandler}). */
export type AnyActionDefinition = ActionDefinition
