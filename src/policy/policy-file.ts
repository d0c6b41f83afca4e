/**
 * One policy file, parsed and compiled: either Airlock's native format
 * (`rules:`) or agent-action-policy's (`policies:`).
 *
 * @module
 */
import type { ConfigIssue, SourceLocation } from '../errors/config-error.js'
import type { FieldPath, YamlSource } from '../internal/yaml-source.js'
import { type AapRule, aapFileSchema, aapRuleSchema, compileAapRule } from './aap/index.js'
import { zodConfigIssues } from './config-issues.js'
import { compileNativeRule, type NativeRule, nativeFileSchema, nativeRuleSchema } from './native/index.js'

/** A template named in `extends:`, with where it was named. */
export interface TemplateReference {
  readonly name: string
  readonly source: SourceLocation
}

/** A compiled policy file. Rules are in evaluation order within the file. */
export interface PolicyFile {
  readonly file: string
  readonly format: 'native' | 'agent-action-policy'
  readonly rules: readonly (NativeRule | AapRule)[]
  readonly extends: readonly TemplateReference[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function location(source: YamlSource, path: FieldPath): SourceLocation {
  return { file: source.file, ...(source.locate(path) ?? {}) }
}

/**
 * Compiles a parsed YAML policy file, collecting every problem in it.
 *
 * @remarks The format is chosen by the top-level key: `rules` (native) or
 * `policies` (agent-action-policy); neither or both is an error, as is any
 * other top-level key. Agent-action-policy rules are ordered by their
 * `priority` (ascending, ties in file order) right here, so the file can be
 * placed as one block.
 *
 * @throws ConfigError naming file, line, column and field of every problem.
 */
export function compilePolicyFile(source: YamlSource): PolicyFile {
  const { value, file } = source
  if (!isRecord(value)) {
    throw source.error(
      [],
      "policy file must be a mapping with a top-level 'rules' (or agent-action-policy 'policies') key",
    )
  }
  const hasRules = Object.hasOwn(value, 'rules')
  const hasPolicies = Object.hasOwn(value, 'policies')
  if (hasRules && hasPolicies) {
    throw source.error(['policies'], "policy file has both 'rules' and 'policies'; use one format per file")
  }
  if (!hasRules && !hasPolicies) throw source.error([], "Policy file must have a 'rules' key")

  const issues: ConfigIssue[] = []
  const native = hasRules
  const top = (native ? nativeFileSchema : aapFileSchema).safeParse(value)
  if (!top.success) {
    for (const issue of zodConfigIssues(source, top.error)) {
      const listKey = native ? 'rules' : 'policies'
      issues.push(issue.field === listKey ? { ...issue, message: `'${listKey}' must be a list` } : issue)
    }
    // A failed parse has at least one issue, so this throws.
    source.check(issues)
  }

  const listKey = native ? 'rules' : 'policies'
  const entries = (value[listKey] as unknown[]) ?? []
  const compiled: { rule: NativeRule | AapRule; aapPriority: number }[] = []
  entries.forEach((entry, index) => {
    const base: FieldPath = [listKey, index]
    const report = (path: FieldPath, message: string) => source.issue([...base, ...path], message)
    if (!isRecord(entry)) {
      issues.push(report([], 'rule must be a mapping'))
      return
    }
    if (native) {
      const parsed = nativeRuleSchema.safeParse(entry)
      if (!parsed.success) {
        issues.push(...zodConfigIssues(source, parsed.error, base))
        return
      }
      const result = compileNativeRule(parsed.data, location(source, [...base, 'name']), report)
      issues.push(...result.issues)
      if (result.rule) compiled.push({ rule: result.rule, aapPriority: 0 })
    } else {
      const parsed = aapRuleSchema.safeParse(entry)
      if (!parsed.success) {
        issues.push(...zodConfigIssues(source, parsed.error, base))
        return
      }
      const result = compileAapRule(parsed.data, location(source, [...base, 'name']), report)
      issues.push(...result.issues)
      if (result.rule) compiled.push({ rule: result.rule, aapPriority: parsed.data.priority })
    }
  })

  const templateNames = native ? (value.extends as string[] | undefined) : undefined
  const references = (templateNames ?? []).map((name, i) => ({
    name,
    source: location(source, ['extends', i]),
  }))

  source.check(issues)
  // Array.prototype.sort is stable, so equal AAP priorities keep file order.
  if (!native) compiled.sort((a, b) => a.aapPriority - b.aapPriority)
  return {
    file,
    format: native ? 'native' : 'agent-action-policy',
    rules: compiled.map((c) => c.rule),
    extends: references,
  }
}
