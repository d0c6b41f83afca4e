/**
 * Policy test files: expected decisions for example requests, checked
 * against the configured policies (agent-safe's `tests:` format).
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConfigError, type ConfigIssue, type SourceLocation } from '../errors/config-error.js'
import { localPrincipal, type Principal } from '../identity/principal.js'
import { type FieldPath, readYamlFile, type YamlSource } from '../internal/yaml-source.js'
import { zodConfigIssues } from './config-issues.js'
import { DECISION_RESULTS, type Decision, type DecisionResult } from './decision.js'

/** The caller a test case acts as. */
export interface PolicyTestCaller {
  readonly id: string
  readonly roles: readonly string[]
  readonly groups: readonly string[]
  readonly tenant: string | undefined
}

/** One expected decision. */
export interface PolicyTestCase {
  readonly name: string
  readonly action: string
  readonly target: string | null
  readonly caller: PolicyTestCaller | null
  readonly params: Readonly<Record<string, unknown>>
  readonly ticket_id: string | null
  readonly expect: DecisionResult
  /** Where the case is written. */
  readonly source: SourceLocation
}

/** The outcome of one case; `actual` is null when the check itself threw. */
export interface PolicyTestResult {
  readonly case: PolicyTestCase
  readonly passed: boolean
  readonly actual: DecisionResult | null
  readonly reason: string
}

/** The outcome of a test run. */
export interface PolicyTestReport {
  readonly results: readonly PolicyTestResult[]
  readonly passed: number
  readonly failed: number
  readonly total: number
}

const callerSchema = z.union([
  z.string().min(1),
  z.strictObject({
    id: z.string().min(1),
    roles: z.array(z.string()).default([]),
    groups: z.array(z.string()).default([]),
    tenant: z.string().optional(),
  }),
])

const caseSchema = z.strictObject({
  name: z.string(),
  action: z.string().optional(),
  tool: z.string().optional(),
  target: z.string().nullable().optional(),
  caller: callerSchema.nullable().optional(),
  params: z.record(z.string(), z.unknown()).nullable().optional(),
  args: z.record(z.string(), z.unknown()).nullable().optional(),
  ticket_id: z.string().nullable().optional(),
  expect: z.string(),
})

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseCase(
  source: YamlSource,
  entry: unknown,
  index: number,
  issues: ConfigIssue[],
): PolicyTestCase | undefined {
  const base: FieldPath = ['tests', index]
  const at = (path: FieldPath, message: string) => issues.push(source.issue([...base, ...path], message))
  if (!isRecord(entry)) return void at([], `test #${index} must be a mapping`)
  if (typeof entry.name !== 'string' || entry.name === '') return void at([], `test #${index} missing 'name'`)
  const name = entry.name
  if (entry.action === undefined && entry.tool === undefined)
    return void at([], `test '${name}' missing 'action'`)
  if (typeof entry.expect === 'string' && !(DECISION_RESULTS as readonly string[]).includes(entry.expect)) {
    return void at(
      ['expect'],
      `test '${name}' has invalid expect '${entry.expect}'. Must be one of: ${DECISION_RESULTS.join(', ')}`,
    )
  }
  const parsed = caseSchema.safeParse(entry)
  if (!parsed.success) {
    issues.push(...zodConfigIssues(source, parsed.error, base))
    return undefined
  }
  const data = parsed.data
  if (data.action !== undefined && data.tool !== undefined)
    return void at(['tool'], "use either 'action' or 'tool', not both")
  if (data.params !== undefined && data.args !== undefined)
    return void at(['args'], "use either 'params' or 'args', not both")
  const caller = data.caller
  return {
    name,
    action: (data.action ?? data.tool)!,
    target: data.target ?? null,
    caller:
      caller === null || caller === undefined
        ? null
        : typeof caller === 'string'
          ? { id: caller, roles: [], groups: [], tenant: undefined }
          : { id: caller.id, roles: caller.roles, groups: caller.groups, tenant: caller.tenant },
    params: data.params ?? data.args ?? {},
    ticket_id: data.ticket_id ?? null,
    expect: data.expect as DecisionResult,
    source: { file: source.file, ...(source.locate(base) ?? {}) },
  }
}

/**
 * Reads the cases of one parsed test file.
 *
 * @throws ConfigError listing every malformed case, with agent-safe's messages.
 */
export function parsePolicyTests(source: YamlSource): PolicyTestCase[] {
  const { value } = source
  if (!isRecord(value) || !Object.hasOwn(value, 'tests'))
    throw source.error([], "must have a top-level 'tests' key")
  const extra = Object.keys(value).filter((key) => key !== 'tests')
  if (extra.length > 0)
    throw source.error(
      [extra[0]!],
      `unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}`,
    )
  if (!Array.isArray(value.tests)) throw source.error(['tests'], "'tests' must be a list")
  const issues: ConfigIssue[] = []
  const cases: PolicyTestCase[] = []
  value.tests.forEach((entry, index) => {
    const parsed = parseCase(source, entry, index, issues)
    if (parsed) cases.push(parsed)
  })
  source.check(issues)
  return cases
}

/**
 * Loads test cases from a file, or from every `*.yaml` / `*.yml` file of a
 * directory in sorted order. A directory without test files is an error.
 */
export async function loadPolicyTests(pathOrDir: string): Promise<PolicyTestCase[]> {
  let isDirectory: boolean
  try {
    isDirectory = (await stat(pathOrDir)).isDirectory()
  } catch {
    throw new ConfigError([{ file: pathOrDir, message: 'file not found' }])
  }
  const files = isDirectory
    ? (await readdir(pathOrDir))
        .filter((name) => /\.ya?ml$/i.test(name))
        .sort()
        .map((name) => join(pathOrDir, name))
    : [pathOrDir]
  if (files.length === 0)
    throw new ConfigError([{ file: pathOrDir, message: `No YAML test files found in ${pathOrDir}` }])
  const cases: PolicyTestCase[] = []
  const issues: ConfigIssue[] = []
  for (const file of files) {
    try {
      cases.push(...parsePolicyTests(await readYamlFile(file)))
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues)
      else throw error
    }
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return cases
}

/** The principal a test case acts as, or undefined for an anonymous case. */
export function policyTestPrincipal(testCase: PolicyTestCase): Principal | undefined {
  const caller = testCase.caller
  if (!caller) return undefined
  return localPrincipal(caller.id, {
    roles: caller.roles,
    groups: caller.groups,
    ...(caller.tenant === undefined ? {} : { tenant_id: caller.tenant }),
  })
}

/**
 * Runs every case through `check` and compares the decision with `expect`.
 * A check that throws fails its case (with the error as reason) rather than the run.
 */
export function runPolicyTests(
  cases: readonly PolicyTestCase[],
  check: (testCase: PolicyTestCase) => Decision,
): PolicyTestReport {
  const results: PolicyTestResult[] = cases.map((testCase) => {
    try {
      const decision = check(testCase)
      return {
        case: testCase,
        passed: decision.decision === testCase.expect,
        actual: decision.decision,
        reason: decision.reason,
      }
    } catch (error) {
      return {
        case: testCase,
        passed: false,
        actual: null,
        reason: error instanceof Error ? error.message : String(error),
      }
    }
  })
  const passed = results.filter((r) => r.passed).length
  return { results, passed, failed: results.length - passed, total: results.length }
}
