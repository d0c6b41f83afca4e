/**
 * Loading policy files (native and agent-action-policy) into an ordered rule
 * list ready for {@link PolicyEngine}.
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ConfigError, type ConfigIssue, type SourceLocation } from '../errors/config-error.js'
import { parseYaml, readYamlFile } from '../internal/yaml-source.js'
import type { DecisionResult } from './decision.js'
import { compilePolicyFile, type PolicyFile } from './policy-file.js'
import type { PolicyRule } from './policy-rule.js'
import { policyTemplates } from './templates/index.js'

/** Options for {@link loadPolicies} and {@link parsePolicies}. */
export interface LoadPoliciesOptions {
  /** Outcome when no rule matches; passed through to the result. Default `deny`. */
  readonly default_decision?: DecisionResult | undefined
}

/** Loaded rules, in load order, ready for `new PolicyEngine(loaded.rules, loaded)`. */
export interface LoadedPolicies {
  readonly rules: readonly PolicyRule[]
  /** The files the rules came from, in load order. */
  readonly sources: readonly string[]
  readonly default_decision: DecisionResult
}

const YAML_FILE = /\.ya?ml$/i

function describe(location: SourceLocation): string {
  let where = location.file
  if (location.line !== undefined) where += `:${location.line}`
  if (location.column !== undefined) where += `:${location.column}`
  return where
}

function ruleSource(rule: PolicyRule): SourceLocation | undefined {
  const source = (rule as { source?: unknown }).source
  return typeof source === 'object' && source !== null && typeof (source as SourceLocation).file === 'string'
    ? (source as SourceLocation)
    : undefined
}

/**
 * Joins compiled files into one rule list.
 *
 * @remarks
 * - Files keep the order given. A file's `extends:` templates come right
 *   before the file's own rules; a template named by several files is
 *   included once, where it is first named.
 * - The engine then stable-sorts everything by priority (higher first).
 *   Agent-action-policy files are blocks at priority 0: after every rule
 *   with a positive priority, among other priority-0 rules in load order,
 *   before negative ones.
 * - Rule names must be unique across all files and templates; a duplicate
 *   names both places.
 *
 * @throws ConfigError for unknown templates and duplicate rule names.
 */
export function assemblePolicies(
  files: readonly PolicyFile[],
  options: LoadPoliciesOptions = {},
): LoadedPolicies {
  const issues: ConfigIssue[] = []
  const rules: PolicyRule[] = []
  const origins = new Map<PolicyRule, SourceLocation>()
  const included = new Set<string>()
  const available = Object.keys(policyTemplates)
  for (const file of files) {
    for (const reference of file.extends) {
      if (included.has(reference.name)) continue
      const template = Object.hasOwn(policyTemplates, reference.name)
        ? policyTemplates[reference.name as keyof typeof policyTemplates]
        : undefined
      if (!template) {
        issues.push({
          ...reference.source,
          field: 'extends',
          message: `unknown template '${reference.name}' (available: ${available.join(', ')})`,
        })
        continue
      }
      included.add(reference.name)
      for (const rule of template()) {
        origins.set(rule, ruleSource(rule) ?? { file: `template ${reference.name}` })
        rules.push(rule)
      }
    }
    rules.push(...file.rules)
  }

  const seen = new Map<string, SourceLocation>()
  for (const rule of rules) {
    const source = origins.get(rule) ?? ruleSource(rule) ?? { file: '<code>' }
    const first = seen.get(rule.name)
    if (first) {
      issues.push({
        ...source,
        field: 'name',
        message: `duplicate rule name '${rule.name}' (first defined at ${describe(first)})`,
      })
    } else seen.set(rule.name, source)
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return {
    rules,
    sources: files.map((file) => file.file),
    default_decision: options.default_decision ?? 'deny',
  }
}

async function expand(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch {
    throw new ConfigError([{ file: path, message: 'file not found' }])
  }
  if (!info.isDirectory()) return [path]
  const names = (await readdir(path)).filter((name) => YAML_FILE.test(name)).sort()
  if (names.length === 0)
    throw new ConfigError([{ file: path, message: `No YAML policy files found in ${path}` }])
  return names.map((name) => join(path, name))
}

/**
 * Loads policy files and directories (their `*.yaml` / `*.yml` files in
 * sorted name order, not recursive), detecting each file's format.
 *
 * @remarks Every file is read and compiled before anything is reported, so
 * one error lists the problems of all files.
 *
 * @throws ConfigError with file, line, column and field of every problem.
 */
export async function loadPolicies(
  paths: readonly string[],
  options: LoadPoliciesOptions = {},
): Promise<LoadedPolicies> {
  const files: string[] = []
  for (const path of paths) files.push(...(await expand(path)))
  const compiled: PolicyFile[] = []
  const issues: ConfigIssue[] = []
  for (const file of files) {
    try {
      compiled.push(compilePolicyFile(await readYamlFile(file)))
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues)
      else throw error
    }
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return assemblePolicies(compiled, options)
}

/** Compiles one policy document held in memory; `file` names it in errors. */
export function parsePolicies(
  text: string,
  file = '<inline>',
  options: LoadPoliciesOptions = {},
): LoadedPolicies {
  return assemblePolicies([compilePolicyFile(parseYaml(file, text))], options)
}
