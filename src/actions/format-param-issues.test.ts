import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { formatParamIssues } from './format-param-issues.js'
import { paramPath } from './param-path.js'
import { toParamIssues } from './to-param-issues.js'

const reasonFor = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) throw new Error('expected the value to be refused')
  return formatParamIssues(toParamIssues(result.error.issues))
}

describe('formatParamIssues', () => {
  it('names the parameter of a wrong type, however deep', () => {
    const schema = z.strictObject({ message: z.string(), items: z.array(z.object({ sku: z.string() })) })
    expect(reasonFor(schema, { message: [], items: [{ sku: 1 }] })).toBe(
      'Invalid parameters: message: Invalid input: expected string, received array; items[0].sku: Invalid input: expected string, received number',
    )
  })

  it('does not repeat a name the message already gives', () => {
    const schema = z.strictObject({ a: z.string() })
    expect(reasonFor(schema, { b: 1 })).toBe(
      'Invalid parameters: Missing required parameter: a; Unknown parameter: b',
    )
  })
})

describe('paramPath', () => {
  it('quotes keys that would read as a path or as nothing', () => {
    expect(paramPath(['inputs', 'a.b', 0, '', 'ok'])).toBe('inputs["a.b"][0][""].ok')
    expect(paramPath(['x-request', '$ref', 'snake_case'])).toBe('x-request.$ref.snake_case')
  })
})
