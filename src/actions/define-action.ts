/**
 * Actions defined in code: a zod input schema, a risk class and a handler.
 *
 * @module
 */
import type { z } from 'zod'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { isRiskClass, RISK_CLASSES, type RiskClass } from '../policy/risk-matrix.js'
import type { ActionDefinition, ActionHandler, ValidationResult } from './action-definition.js'
import { ACTION_NAME_PATTERN, isActionName } from './action-name.js'
import { inputJsonSchema } from './input-json-schema.js'
import { toParamIssues } from './to-param-issues.js'

/** What {@link defineAction} takes. Field names match the YAML format. */
export interface DefineActionConfig<S extends z.ZodObject, O> {
  /** Lower case, `^[a-z][a-z0-9_-]*$`. */
  readonly name: string
  /** Shown to agents (tool descriptions) and to approvers; must not be empty. */
  readonly description: string
  /**
   * The inputs. Unknown top-level keys are rejected unless the object sets its
   * own catchall; nested objects keep their own setting (use `z.strictObject`).
   */
  readonly input: S
  readonly output?: z.ZodType<O>
  readonly risk: RiskClass
  readonly required_scopes?: readonly string[]
  readonly approval_required?: boolean
  readonly approver_roles?: readonly string[]
  /** Distinct approvers needed before a held request runs. Default 1. */
  readonly required_approvals?: number
  readonly tags?: readonly string[]
  readonly target_types?: readonly string[]
  readonly version?: string
  /** Extra data for executors and tools. */
  readonly meta?: Readonly<Record<string, unknown>>
  /** Omit for actions that only get checked, or that an executor runs. */
  readonly handler?: ActionHandler<z.output<S>, O>
}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value
}

function isZodObject(value: unknown): value is z.ZodObject {
  return isZodSchema(value) && (value as z.ZodType)._zod.def.type === 'object'
}

function checkStrings(problems: string[], field: string, value: unknown): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    problems.push(`${field} must be a list of non-empty strings`)
    return []
  }
  return Object.freeze([...value])
}

/**
 * Defines an action in code. Handler input and output types are inferred from
 * the schemas.
 *
 * @remarks `validate` never throws: it rejects unknown top-level keys (an
 * agent's extra argument is an error, not something to drop silently) and
 * returns zod's issues as `ParamIssue`s with their paths. `input_schema` is
 * the JSON Schema of what a caller sends, without `$schema`.
 *
 * @throws AirlockError `CONFIG_INVALID` when the definition itself is invalid
 * (every problem is listed in the message and in `details.problems`).
 */
export function defineAction<S extends z.ZodObject, O = unknown>(
  config: DefineActionConfig<S, O>,
): ActionDefinition<z.output<S>, O> {
  const problems: string[] = []
  const label = typeof config.name === 'string' && config.name !== '' ? `'${config.name}'` : '(unnamed)'
  if (!isActionName(config.name)) problems.push(`name must match ${ACTION_NAME_PATTERN.source}`)
  if (typeof config.description !== 'string' || config.description.trim() === '') {
    problems.push('description must not be empty')
  }
  if (!isRiskClass(config.risk)) problems.push(`risk must be one of ${RISK_CLASSES.join(', ')}`)
  if (config.version !== undefined && (typeof config.version !== 'string' || config.version === '')) {
    problems.push('version must be a non-empty string')
  }
  if (config.approval_required !== undefined && typeof config.approval_required !== 'boolean') {
    problems.push('approval_required must be a boolean')
  }
  if (config.handler !== undefined && typeof config.handler !== 'function')
    problems.push('handler must be a function')
  if (config.output !== undefined && !isZodSchema(config.output)) problems.push('output must be a zod schema')
  if (
    config.required_approvals !== undefined &&
    (!Number.isInteger(config.required_approvals) ||
      config.required_approvals < 1 ||
      config.required_approvals > 100)
  ) {
    problems.push('required_approvals must be a whole number from 1 to 100')
  }
  const required_scopes = checkStrings(problems, 'required_scopes', config.required_scopes)
  const approver_roles = checkStrings(problems, 'approver_roles', config.approver_roles)
  const tags = checkStrings(problems, 'tags', config.tags)
  const target_types = checkStrings(problems, 'target_types', config.target_types)

  let input: z.ZodType<z.output<S>> | undefined
  let input_schema: Record<string, unknown> | undefined
  if (!isZodObject(config.input)) problems.push('input must be a zod object schema (z.object({...}))')
  else {
    // An object that chose its own catchall (z.looseObject, .catchall()) keeps it.
    const strict = config.input._zod.def.catchall === undefined ? config.input.strict() : config.input
    input = strict as unknown as z.ZodType<z.output<S>>
    try {
      input_schema = inputJsonSchema(strict)
    } catch (error) {
      problems.push(
        `input cannot be expressed as JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }

  if (problems.length > 0 || input === undefined || input_schema === undefined) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `Invalid action definition ${label}: ${problems.join('; ')}`,
      {
        details: { action: config.name, problems },
      },
    )
  }

  const schema = input
  return Object.freeze({
    name: config.name,
    version: config.version,
    description: config.description.trim(),
    risk: config.risk,
    required_scopes,
    approval_required: config.approval_required ?? false,
    approver_roles,
    required_approvals: config.required_approvals ?? 1,
    tags,
    target_types,
    input: schema,
    output: config.output,
    handler: config.handler,
    source: 'code',
    meta: Object.freeze({ ...config.meta }),
    input_schema: Object.freeze(input_schema),
    validate(inputs: unknown): ValidationResult<z.output<S>> {
      try {
        const result = schema.safeParse(inputs, { reportInput: true })
        if (result.success) return { ok: true, value: result.data }
        return { ok: false, issues: toParamIssues(result.error.issues) }
      } catch (error) {
        // A refinement that throws (or is async) must not take the pipeline down.
        const message = error instanceof Error ? error.message : String(error)
        return {
          ok: false,
          issues: [{ path: [], code: 'custom', message: `input validation failed: ${message}` }],
        }
      }
    },
  })
}
