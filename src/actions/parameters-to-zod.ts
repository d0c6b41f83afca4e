/**
 * A zod schema equivalent to a YAML action's parameter list, so YAML actions
 * offer the same `input` (and JSON Schema) as actions defined in code.
 *
 * @module
 */
import { z } from 'zod'
import { compileFullMatch } from './full-match-pattern.js'
import type { ParameterSpec } from './parameter-spec.js'
import { pythonStr } from './python-format.js'

function codePoints(value: string): number {
  return [...value].length
}

function fieldSchema(spec: ParameterSpec): z.ZodType {
  const c = spec.constraints ?? {}
  const meta: Record<string, unknown> = {}
  let schema: z.ZodType
  switch (spec.type) {
    case 'string': {
      let s: z.ZodType<string> = z.string()
      // Lengths count code points, as Python's len() does; zod's own min/max count UTF-16 units.
      if (c.min_length !== undefined) {
        const min = c.min_length
        s = s.refine((v) => codePoints(v) >= min, { message: `length must be at least ${min}` })
        meta.minLength = min
      }
      if (c.max_length !== undefined) {
        const max = c.max_length
        s = s.refine((v) => codePoints(v) <= max, { message: `length must be at most ${max}` })
        meta.maxLength = max
      }
      if (c.pattern !== undefined) {
        const compiled = compileFullMatch(c.pattern)
        const source = c.pattern
        if (compiled.ok) s = s.refine(compiled.test, { message: `value does not match pattern '${source}'` })
        // JSON Schema patterns search; anchoring keeps the full-match meaning.
        meta.pattern = `^(?:${source})$`
      }
      if (c.enum !== undefined) meta.enum = [...c.enum]
      schema = s
      break
    }
    case 'integer':
    case 'number': {
      let n = spec.type === 'integer' ? z.number().int() : z.number()
      if (c.min_value !== undefined) n = n.min(c.min_value)
      if (c.max_value !== undefined) n = n.max(c.max_value)
      schema = n
      break
    }
    case 'boolean':
      schema = z.boolean()
      break
    case 'array':
      schema = z.array(z.unknown())
      break
  }
  if (c.enum !== undefined) {
    const allowed = c.enum
    schema = schema.refine((v) => allowed.includes(pythonStr(v)), {
      message: `value not in allowed values ${allowed.join(', ')}`,
    })
  }
  if (spec.description !== '') meta.description = spec.description
  if (spec.default !== null && spec.default !== undefined) meta.default = spec.default
  if (!spec.required) schema = schema.optional()
  return Object.keys(meta).length > 0 ? schema.meta(meta) : schema
}

/**
 * A strict zod object for a parameter list: unknown keys are rejected and
 * defaults are not filled in.
 *
 * @remarks `pattern` is emitted to JSON Schema anchored (`^(?:…)$`) because
 * JSON Schema patterns search while ours match the whole value. The action's
 * own `validate` remains the reference for messages and order.
 */
export function parametersToZod(specs: readonly ParameterSpec[]): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {}
  for (const spec of specs) shape[spec.name] = fieldSchema(spec)
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>>
}
