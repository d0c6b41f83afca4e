/**
 * Parameter validation for YAML-declared actions, with agent-safe's messages
 * and order but without its gaps.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { ParamIssue } from './action-definition.js'
import { compileFullMatch } from './full-match-pattern.js'
import type { ParameterSpec } from './parameter-spec.js'
import { pythonFloat, pythonRepr, pythonStr, pythonTypeName } from './python-format.js'

type PatternTest = (value: string) => boolean

function hasType(value: unknown, type: ParameterSpec['type']): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
  }
}

/**
 * Problems with one present parameter value, in agent-safe's order: type
 * first (and nothing else when it fails), then value range, length, pattern,
 * allowed values.
 */
export function checkParameterValue(
  spec: ParameterSpec,
  value: unknown,
  pattern?: PatternTest,
): ParamIssue[] {
  const path = [spec.name]
  const prefix = `Parameter '${spec.name}':`
  if (!hasType(value, spec.type)) {
    return [
      {
        path,
        code: 'invalid_type',
        message: `${prefix} expected ${spec.type}, got ${pythonTypeName(value)}`,
      },
    ]
  }
  const issues: ParamIssue[] = []
  const c = spec.constraints
  // Bounds print as Python floats (`1.0`): agent-safe stores them as floats.
  if (typeof value === 'number') {
    // NaN compares false with every bound, so it would slip past min/max.
    if (!Number.isFinite(value)) {
      return [
        {
          path,
          code: 'invalid_value',
          message: `${prefix} value ${pythonStr(value)} is not a finite number`,
        },
      ]
    }
    if (c?.min_value !== undefined && value < c.min_value) {
      issues.push({
        path,
        code: 'too_small',
        message: `${prefix} value ${pythonStr(value)} is below minimum ${pythonFloat(c.min_value)}`,
      })
    }
    if (c?.max_value !== undefined && value > c.max_value) {
      issues.push({
        path,
        code: 'too_big',
        message: `${prefix} value ${pythonStr(value)} exceeds maximum ${pythonFloat(c.max_value)}`,
      })
    }
  }
  if (typeof value === 'string') {
    // Python's len() counts code points, not UTF-16 units.
    const length = [...value].length
    if (c?.min_length !== undefined && length < c.min_length) {
      issues.push({
        path,
        code: 'too_small',
        message: `${prefix} length ${length} is below minimum ${c.min_length}`,
      })
    }
    if (c?.max_length !== undefined && length > c.max_length) {
      issues.push({
        path,
        code: 'too_big',
        message: `${prefix} length ${length} exceeds maximum ${c.max_length}`,
      })
    }
    if (c?.pattern !== undefined && pattern !== undefined && !pattern(value)) {
      issues.push({
        path,
        code: 'invalid_format',
        message: `${prefix} value does not match pattern '${c.pattern}'`,
      })
    }
  }
  if (c?.enum !== undefined && !c.enum.includes(pythonStr(value))) {
    issues.push({
      path,
      code: 'invalid_value',
      message: `${prefix} value '${pythonStr(value)}' not in allowed values ${pythonRepr(c.enum)}`,
    })
  }
  return issues
}

/**
 * Builds a validator for a parameter list. The returned function never
 * throws; an empty result means the inputs are valid.
 *
 * @remarks Issues come in agent-safe's order: every missing required
 * parameter (declaration order), every unknown key (input order), then each
 * declared parameter's own problems (declaration order). Unlike agent-safe,
 * required parameters are checked even when the inputs are empty or absent.
 * Defaults are informational and never filled in.
 *
 * @throws AirlockError `CONFIG_INVALID` if a `pattern` does not compile
 * (the YAML loader reports that earlier, with its position).
 */
export function compileParameterValidator(
  specs: readonly ParameterSpec[],
): (inputs: unknown) => ParamIssue[] {
  const patterns = new Map<string, PatternTest>()
  for (const spec of specs) {
    const source = spec.constraints?.pattern
    if (source === undefined) continue
    const compiled = compileFullMatch(source)
    if (!compiled.ok)
      throw new AirlockError(ErrorCode.CONFIG_INVALID, `Parameter '${spec.name}': ${compiled.message}`)
    patterns.set(spec.name, compiled.test)
  }
  const known = new Set(specs.map((s) => s.name))

  return (inputs) => {
    const params = inputs ?? {}
    if (typeof params !== 'object' || Array.isArray(params)) {
      return [
        {
          path: [],
          code: 'invalid_type',
          message: `Parameters must be a mapping, got ${pythonTypeName(params)}`,
        },
      ]
    }
    const record = params as Record<string, unknown>
    // A key holding `undefined` cannot come from JSON; treat it as absent.
    const present = (name: string) => Object.hasOwn(record, name) && record[name] !== undefined
    const issues: ParamIssue[] = []
    for (const spec of specs) {
      if (spec.required && !present(spec.name)) {
        issues.push({
          path: [spec.name],
          code: 'missing',
          message: `Missing required parameter: ${spec.name}`,
        })
      }
    }
    for (const key of Object.keys(record)) {
      if (!known.has(key))
        issues.push({ path: [key], code: 'unknown_key', message: `Unknown parameter: ${key}` })
    }
    for (const spec of specs) {
      if (present(spec.name))
        issues.push(...checkParameterValue(spec, record[spec.name], patterns.get(spec.name)))
    }
    return issues
  }
}
