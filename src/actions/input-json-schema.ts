/**
 * JSON Schema of an action's inputs, shaped for LLM tool definitions.
 *
 * @module
 */
import { z } from 'zod'

/**
 * Converts an input schema to JSON Schema (draft 2020-12).
 *
 * @remarks Describes what a caller sends (`io: 'input'`, so fields with a
 * default are optional), inlines reused parts instead of emitting `$ref`s, and
 * leaves out `$schema` and the ±2^53 bounds zod adds to every integer: several
 * tool-calling APIs reject keys they do not know, and those bounds only add
 * noise to a model's context.
 *
 * @throws Error when part of the schema has no JSON Schema form (e.g. `z.date()`).
 */
export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    reused: 'inline',
    unrepresentable: 'throw',
    override: ({ jsonSchema }) => {
      const node = jsonSchema as Record<string, unknown>
      if (node.type === 'integer') {
        if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum
        if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum
      }
    },
  })
  delete json.$schema
  return json
}
