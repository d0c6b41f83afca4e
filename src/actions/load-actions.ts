/**
 * Loads action definitions from YAML in agent-safe's format (one action per
 * file), strictly: unknown keys, bad patterns and inconsistent fields are
 * errors with file, line and column.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConfigError, type ConfigIssue } from '../errors/config-error.js'
import {
  checkExecutionSpec,
  executionSpecShape,
  precheckEntrySchema,
  toExecutionSpec,
} from '../executors/execution-spec.js'
import { type FieldPath, parseYaml, validateYaml, type YamlSource } from '../internal/yaml-source.js'
import type { ActionDefinition, ValidationResult } from './action-definition.js'
import { actionIssue, rememberActionSource } from './action-locations.js'
import { ACTION_NAME_PATTERN } from './action-name.js'
import { compileFullMatch } from './full-match-pattern.js'
import { inputJsonSchema } from './input-json-schema.js'
import type { ParameterConstraints, ParameterSpec } from './parameter-spec.js'
import { parametersToZod } from './parameters-to-zod.js'
import { checkParameterValue, compileParameterValidator } from './validate-parameters.js'

// "is required" instead of zod's "expected string, received undefined".
const required = {
  error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : undefined),
}

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const VERSION = /^\d+\.\d+\.\d+$/
const ROLLBACK_SOURCE = /^(params|before_state)\.(\w+)$/
const PARAMS_TEMPLATE = /\{\{\s*params\.(\w+)\s*\}\}/g

const constraintsSchema = z.strictObject({
  min_value: z.number().nullish(),
  max_value: z.number().nullish(),
  min_length: z.int().min(0).nullish(),
  max_length: z.int().min(0).nullish(),
  pattern: z.string().nullish(),
  enum: z.array(z.string()).nullish(),
})

const parameterSchema = z.strictObject({
  name: z.string(required).regex(PARAMETER_NAME, 'must be letters, digits and _, not starting with a digit'),
  type: z.enum(['string', 'integer', 'number', 'boolean', 'array'], required),
  required: z.boolean().default(true),
  description: z.string().default(''),
  default: z.unknown().optional(),
  constraints: constraintsSchema.nullish(),
})

const nonEmpty = z.string().min(1, 'must not be empty')

const actionFileSchema = z.strictObject({
  name: z.string(required).regex(ACTION_NAME_PATTERN, `must match ${ACTION_NAME_PATTERN.source}`),
  version: z
    .string({
      error: (iss) => (iss.input === undefined ? 'is required' : 'must be a quoted string like "1.0.0"'),
    })
    .regex(VERSION, 'must look like 1.0.0'),
  description: z.string(required).refine((d) => d.trim() !== '', 'must not be empty'),
  parameters: z.array(parameterSchema).default([]),
  risk_class: z.enum(['low', 'medium', 'high', 'critical'], required),
  target_types: z.array(nonEmpty, required).min(1, 'must list at least one target type'),
  prechecks: z.array(precheckEntrySchema).default([]),
  reversible: z.boolean().default(false),
  rollback_action: z
    .string()
    .regex(ACTION_NAME_PATTERN, `must match ${ACTION_NAME_PATTERN.source}`)
    .nullish(),
  required_privileges: z.array(nonEmpty).default([]),
  tags: z.array(nonEmpty).default([]),
  credentials: z
    .strictObject({
      type: nonEmpty,
      fields: z.record(z.string(), z.unknown()).default({}),
      ttl: z.int().min(1).default(300),
    })
    .nullish(),
  state_fields: z
    .array(
      z.strictObject({
        name: nonEmpty,
        description: z.string().default(''),
        type: z.string().default('any'),
        required: z.boolean().default(false),
      }),
    )
    .default([]),
  rollback_params: z.record(z.string(), z.strictObject({ source: z.string(required) })).default({}),
  // Airlock's extensions.
  required_scopes: z.array(nonEmpty).default([]),
  approval_required: z.boolean().default(false),
  approver_roles: z.array(nonEmpty).default([]),
  required_approvals: z.int().min(1).max(100).default(1),
  ...executionSpecShape,
})

type ActionFile = z.output<typeof actionFileSchema>
type ParameterEntry = ActionFile['parameters'][number]

/** Drops YAML nulls so optional fields are simply absent. */
function toSpec(entry: ParameterEntry): ParameterSpec {
  const raw = entry.constraints ?? null
  let constraints: ParameterConstraints | null = null
  if (raw !== null) {
    const c: { -readonly [K in keyof ParameterConstraints]: ParameterConstraints[K] } = {}
    if (raw.min_value != null) c.min_value = raw.min_value
    if (raw.max_value != null) c.max_value = raw.max_value
    if (raw.min_length != null) c.min_length = raw.min_length
    if (raw.max_length != null) c.max_length = raw.max_length
    if (raw.pattern != null) c.pattern = raw.pattern
    if (raw.enum != null) c.enum = raw.enum
    constraints = c
  }
  return {
    name: entry.name,
    type: entry.type,
    required: entry.required,
    description: entry.description,
    default: entry.default ?? null,
    constraints,
  }
}

function checkConstraints(
  source: YamlSource,
  spec: ParameterSpec,
  at: (...rest: FieldPath) => FieldPath,
  issues: ConfigIssue[],
): ((value: string) => boolean) | undefined {
  const c = spec.constraints
  if (c === null) return undefined
  const numeric = spec.type === 'integer' || spec.type === 'number'
  // agent-safe silently ignores a constraint that cannot apply; here it is a typo worth reporting.
  for (const key of ['min_value', 'max_value'] as const) {
    if (c[key] !== undefined && !numeric) {
      issues.push(
        source.issue(
          at('constraints', key),
          `applies only to integer and number parameters, not ${spec.type}`,
        ),
      )
    }
  }
  for (const key of ['min_length', 'max_length', 'pattern'] as const) {
    if (c[key] !== undefined && spec.type !== 'string') {
      issues.push(source.issue(at('constraints', key), `applies only to string parameters, not ${spec.type}`))
    }
  }
  if (c.enum !== undefined && spec.type === 'array') {
    issues.push(source.issue(at('constraints', 'enum'), 'does not apply to array parameters'))
  }
  if (c.enum !== undefined && c.enum.length === 0) {
    issues.push(source.issue(at('constraints', 'enum'), 'must list at least one value'))
  }
  if (c.min_value !== undefined && c.max_value !== undefined && c.min_value > c.max_value) {
    issues.push(source.issue(at('constraints', 'max_value'), `is below min_value ${c.min_value}`))
  }
  if (c.min_length !== undefined && c.max_length !== undefined && c.min_length > c.max_length) {
    issues.push(source.issue(at('constraints', 'max_length'), `is below min_length ${c.min_length}`))
  }
  if (c.pattern === undefined) return undefined
  const compiled = compileFullMatch(c.pattern)
  if (compiled.ok) return compiled.test
  issues.push(source.issue(at('constraints', 'pattern'), compiled.message))
  return undefined
}

function checkParameters(source: YamlSource, specs: readonly ParameterSpec[], issues: ConfigIssue[]): void {
  const firstIndex = new Map<string, number>()
  for (const [i, spec] of specs.entries()) {
    const at = (...rest: FieldPath): FieldPath => ['parameters', i, ...rest]
    const earlier = firstIndex.get(spec.name)
    if (earlier !== undefined) {
      issues.push(
        source.issue(
          at('name'),
          `duplicate parameter '${spec.name}' (first declared at parameters[${earlier}])`,
        ),
      )
    } else firstIndex.set(spec.name, i)

    const test = checkConstraints(source, spec, at, issues)
    const patternUsable = spec.constraints?.pattern === undefined || test !== undefined
    // A default that breaks its own parameter's rules would mislead every tool that shows it.
    if (spec.default !== null && patternUsable) {
      for (const problem of checkParameterValue(spec, spec.default, test)) {
        issues.push(source.issue(at('default'), `does not satisfy the parameter: ${problem.message}`))
      }
    }
  }
}

function collectTemplateParams(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PARAMS_TEMPLATE)) out.add(match[1]!)
  } else if (Array.isArray(value)) {
    for (const item of value) collectTemplateParams(item, out)
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectTemplateParams(item, out)
  }
}

function checkReferences(source: YamlSource, file: ActionFile, issues: ConfigIssue[]): void {
  const params = new Set(file.parameters.map((p) => p.name))
  const stateFields = new Set(file.state_fields.map((f) => f.name))
  for (const [name, { source: from }] of Object.entries(file.rollback_params)) {
    const path = ['rollback_params', name, 'source']
    const found = ROLLBACK_SOURCE.exec(from)
    if (!found) {
      issues.push(source.issue(path, `'${from}' must be params.<parameter> or before_state.<state field>`))
    } else if (found[1] === 'params' && !params.has(found[2]!)) {
      issues.push(source.issue(path, `'${from}' names no parameter of this action`))
    } else if (found[1] === 'before_state' && !stateFields.has(found[2]!)) {
      issues.push(source.issue(path, `'${from}' names no declared state field`))
    }
  }
  if (file.credentials) {
    const used = new Set<string>()
    collectTemplateParams(file.credentials.fields, used)
    for (const name of used) {
      if (!params.has(name)) {
        issues.push(
          source.issue(
            ['credentials', 'fields'],
            `template {{ params.${name} }} names no parameter of this action`,
          ),
        )
      }
    }
  }
}

function buildAction(source: YamlSource, file_sha256: string): ActionDefinition<Record<string, unknown>> {
  if (typeof source.value !== 'object' || source.value === null || Array.isArray(source.value)) {
    throw source.error([], 'an action file must contain one YAML mapping')
  }
  const file = validateYaml(source, actionFileSchema)
  const specs = file.parameters.map(toSpec)
  const issues: ConfigIssue[] = []
  checkParameters(source, specs, issues)
  checkReferences(source, file, issues)
  checkExecutionSpec(source, file, issues)
  source.check(issues)

  const check = compileParameterValidator(specs)
  const input = parametersToZod(specs)
  const definition: ActionDefinition<Record<string, unknown>> = Object.freeze({
    name: file.name,
    version: file.version,
    description: file.description.trim(),
    risk: file.risk_class,
    required_scopes: file.required_scopes,
    approval_required: file.approval_required,
    approver_roles: file.approver_roles,
    required_approvals: file.required_approvals,
    tags: file.tags,
    target_types: file.target_types,
    input,
    output: undefined,
    handler: undefined,
    source: source.file,
    meta: Object.freeze({
      format: 'agent-safe',
      file_sha256,
      parameters: specs,
      prechecks: file.prechecks,
      reversible: file.reversible,
      rollback_action: file.rollback_action ?? null,
      required_privileges: file.required_privileges,
      credentials: file.credentials ?? null,
      state_fields: file.state_fields,
      rollback_params: file.rollback_params,
      executor_spec: toExecutionSpec(file),
    }),
    input_schema: Object.freeze(inputJsonSchema(input)),
    validate(inputs: unknown): ValidationResult<Record<string, unknown>> {
      const problems = check(inputs)
      if (problems.length > 0) return { ok: false, issues: problems }
      return { ok: true, value: { ...(inputs as Record<string, unknown> | null | undefined) } }
    },
  })
  rememberActionSource(definition, source)
  return definition
}

/**
 * Parses one action from YAML text. `file` names the source in errors.
 *
 * @throws ConfigError naming every problem with its position.
 */
export function parseActionYaml(file: string, text: string): ActionDefinition<Record<string, unknown>> {
  return buildAction(parseYaml(file, text), createHash('sha256').update(text, 'utf8').digest('hex'))
}

/** Loads one action file; `meta.file_sha256` is the SHA-256 of its bytes. */
export async function loadActionFile(file: string): Promise<ActionDefinition<Record<string, unknown>>> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    throw new ConfigError(
      [{ file, message: code === 'ENOENT' ? 'file not found' : `cannot read: ${String(cause)}` }],
      {
        cause,
      },
    )
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return buildAction(parseYaml(file, bytes.toString('utf8')), sha256)
}

async function expand(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch (cause) {
    throw new ConfigError([{ file: path, message: 'path not found' }], { cause })
  }
  if (!info.isDirectory()) return [path]
  const names = (await readdir(path)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
  // Code-unit order, the same on every platform and locale.
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return names.map((n) => join(path, n))
}

/**
 * Loads actions from files and directories. A directory contributes its
 * `*.yaml` and `*.yml` files (not subdirectories), in sorted name order.
 *
 * @remarks Every file is read before reporting, so one ConfigError lists the
 * problems of all files, including names defined twice (located at the
 * second definition, naming the first file).
 */
export async function loadActions(paths: readonly string[]): Promise<ActionDefinition[]> {
  const issues: ConfigIssue[] = []
  const files: string[] = []
  for (const path of paths) {
    try {
      files.push(...(await expand(path)))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      issues.push(...error.issues)
    }
  }
  const loaded: ActionDefinition[] = []
  const byName = new Map<string, ActionDefinition>()
  for (const file of files) {
    try {
      const definition = (await loadActionFile(file)) as unknown as ActionDefinition
      const first = byName.get(definition.name)
      if (first) {
        issues.push(
          actionIssue(
            definition,
            ['name'],
            `duplicate action '${definition.name}': already defined in ${first.source}`,
          ),
        )
        continue
      }
      byName.set(definition.name, definition)
      loaded.push(definition)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      issues.push(...error.issues)
    }
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return loaded
}
