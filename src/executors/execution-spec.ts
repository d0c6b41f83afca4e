/**
 * The keys of an action file that say how an action without an in-process
 * handler is carried out: which executor, and for the generic executors
 * (subprocess, HTTP) the exact call, how to read state and what each
 * precheck runs. Kept apart from the action loader so the loader only
 * spreads these keys into its schema and copies the result into `meta`.
 *
 * @module
 */
import { z } from 'zod'
import type { ConfigIssue } from '../errors/config-error.js'
import type { YamlSource } from '../internal/yaml-source.js'
import { EXECUTOR_TYPES, type ExecutorType } from './executor.js'
import { placeholders } from './template.js'

const nonEmpty = z.string().min(1, 'must not be empty')
const argv = z.array(z.string()).min(1, 'must name at least the program')
/** State field name → dotted path into the JSON the state call answers (default: the field name). */
const fieldPaths = z.record(z.string(), nonEmpty).default({})

const subprocessSpec = z.strictObject({
  argv,
  /** Environment variables passed through from Airlock's environment (besides PATH). */
  env: z.array(nonEmpty).default([]),
  /** Environment variables set from the credential: variable → credential value name. */
  credential_env: z.record(z.string(), nonEmpty).default({}),
  state: z.strictObject({ argv, fields: fieldPaths }).nullish(),
  /** Precheck name → the argv that must exit 0 for it to pass. */
  prechecks: z.record(z.string(), argv).default({}),
})

const httpCall = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().regex(/^\//, 'must start with /'),
})

const httpSpec = z.strictObject({
  base_url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  path: z.string().regex(/^\//, 'must start with /'),
  /** Header values may use `{credential.<name>}`; they are masked wherever the call is shown. */
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
  state: httpCall.extend({ fields: fieldPaths }).nullish(),
  /** Precheck name → a request that must answer 2xx for it to pass. */
  prechecks: z.record(z.string(), httpCall).default({}),
})

/** The precheck entry of an action file; `advisory: true` only warns when the check fails. */
export const precheckEntrySchema = z.strictObject({
  name: nonEmpty,
  description: z.string({ error: (iss) => (iss.input === undefined ? 'is required' : undefined) }),
  advisory: z.boolean().default(false),
})

/** Keys the action loader adds to its schema. */
export const executionSpecShape = {
  executor: z.enum(EXECUTOR_TYPES as [ExecutorType, ...ExecutorType[]]).nullish(),
  /** Time budget of one run in seconds (default: the configured executors timeout). */
  timeout_s: z.int().min(1).max(3600).nullish(),
  subprocess: subprocessSpec.nullish(),
  http: httpSpec.nullish(),
}

export type SubprocessSpec = z.output<typeof subprocessSpec>
export type HttpSpec = z.output<typeof httpSpec>
export type PrecheckEntry = z.output<typeof precheckEntrySchema>

/** How an action runs, as kept in `meta.executor_spec`. */
export interface ExecutionSpec {
  readonly executor: ExecutorType | null
  readonly timeout_s: number | null
  readonly subprocess: SubprocessSpec | null
  readonly http: HttpSpec | null
}

type ParsedKeys = {
  executor?: ExecutorType | null | undefined
  timeout_s?: number | null | undefined
  subprocess?: SubprocessSpec | null | undefined
  http?: HttpSpec | null | undefined
}

/** The execution spec of a parsed action file. */
export function toExecutionSpec(file: ParsedKeys): ExecutionSpec {
  return {
    executor: file.executor ?? null,
    timeout_s: file.timeout_s ?? null,
    subprocess: file.subprocess ?? null,
    http: file.http ?? null,
  }
}

/** Reads `meta.executor_spec` of any action (code-defined actions have none). */
export function executionSpecOf(meta: Readonly<Record<string, unknown>>): ExecutionSpec | null {
  const spec = meta.executor_spec
  return typeof spec === 'object' && spec !== null ? (spec as ExecutionSpec) : null
}

function checkTemplates(
  source: YamlSource,
  at: readonly (string | number)[],
  templates: readonly string[],
  params: ReadonlySet<string>,
  issues: ConfigIssue[],
): void {
  for (const [i, template] of templates.entries()) {
    for (const name of placeholders(template)) {
      if (name.startsWith('credential.')) continue
      if (!params.has(name)) {
        issues.push(source.issue([...at, i], `placeholder {${name}} names no parameter of this action`))
      }
    }
  }
}

/**
 * Cross-checks an execution spec against the action: placeholders name
 * parameters, the executor block it needs is present, every declared
 * precheck has something to run.
 */
export function checkExecutionSpec(
  source: YamlSource,
  file: ParsedKeys & { parameters: readonly { name: string }[]; prechecks: readonly PrecheckEntry[] },
  issues: ConfigIssue[],
): void {
  const params = new Set(file.parameters.map((p) => p.name))
  const { subprocess, http } = file
  if (file.executor === 'subprocess' && !subprocess) {
    issues.push(source.issue(['executor'], "executor 'subprocess' needs a subprocess block with argv"))
  }
  if (file.executor === 'http' && !http) {
    issues.push(source.issue(['executor'], "executor 'http' needs an http block with base_url and path"))
  }
  if (subprocess) {
    checkTemplates(source, ['subprocess', 'argv'], subprocess.argv, params, issues)
    if (subprocess.state)
      checkTemplates(source, ['subprocess', 'state', 'argv'], subprocess.state.argv, params, issues)
    for (const [name, check] of Object.entries(subprocess.prechecks)) {
      checkTemplates(source, ['subprocess', 'prechecks', name], check, params, issues)
    }
  }
  if (http) {
    checkTemplates(source, ['http', 'path'], [http.path], params, issues)
    if (http.state) checkTemplates(source, ['http', 'state', 'path'], [http.state.path], params, issues)
  }
  const block = file.executor === 'subprocess' ? subprocess : file.executor === 'http' ? http : null
  if (block) {
    for (const [i, check] of file.prechecks.entries()) {
      if (!(check.name in block.prechecks)) {
        issues.push(
          source.issue(
            ['prechecks', i, 'name'],
            `precheck '${check.name}' has nothing to run: add it under ${file.executor}.prechecks`,
          ),
        )
      }
    }
  }
}
