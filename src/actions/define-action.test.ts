import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AirlockError } from '../errors/airlock-error.js'
import { localPrincipal } from '../identity/principal.js'
import type { ActionContext } from './action-definition.js'
import { defineAction } from './define-action.js'

const issueRefund = defineAction({
  name: 'issue_refund',
  description: 'Refund part or all of an order to the customer.',
  input: z.object({
    order_id: z.string().min(1).describe('Order to refund'),
    amount_cents: z.int().positive(),
    reason: z.enum(['damaged', 'late', 'other']).default('other'),
    notify: z.object({ email: z.email() }).optional(),
  }),
  output: z.object({ refund_id: z.string() }),
  risk: 'high',
  required_scopes: ['payments:write'],
  approval_required: true,
  approver_roles: ['finance'],
  tags: ['payments'],
  handler: async (input) => ({ refund_id: `rf-${input.order_id}-${input.amount_cents}` }),
})

const context: ActionContext = {
  principal: localPrincipal('agent-1'),
  target: undefined,
  target_id: null,
  request_id: 'req-1',
  approval_id: null,
  idempotency_key: null,
  signal: new AbortController().signal,
}

describe('defineAction', () => {
  it('keeps the declared rules of engagement', () => {
    expect(issueRefund).toMatchObject({
      name: 'issue_refund',
      risk: 'high',
      required_scopes: ['payments:write'],
      approval_required: true,
      approver_roles: ['finance'],
      tags: ['payments'],
      target_types: [],
      source: 'code',
      version: undefined,
    })
  })

  it('fills in safe defaults for omitted fields', () => {
    const ping = defineAction({ name: 'ping', description: 'Ping', input: z.object({}), risk: 'low' })
    expect(ping).toMatchObject({
      required_scopes: [],
      approval_required: false,
      approver_roles: [],
      tags: [],
    })
    expect(ping.handler).toBeUndefined()
  })

  it('exports the input as JSON Schema fit for a tool definition', () => {
    expect(issueRefund.input_schema).toEqual({
      type: 'object',
      properties: {
        order_id: { type: 'string', minLength: 1, description: 'Order to refund' },
        amount_cents: { type: 'integer', exclusiveMinimum: 0 },
        reason: { type: 'string', enum: ['damaged', 'late', 'other'], default: 'other' },
        notify: {
          type: 'object',
          properties: { email: expect.objectContaining({ type: 'string', format: 'email' }) },
          required: ['email'],
        },
      },
      required: ['order_id', 'amount_cents'],
      additionalProperties: false,
    })
    expect(issueRefund.input_schema).not.toHaveProperty('$schema')
  })

  it('returns typed, defaulted inputs when they are valid', () => {
    const result = issueRefund.validate({ order_id: 'o-1', amount_cents: 500 })
    expect(result).toEqual({ ok: true, value: { order_id: 'o-1', amount_cents: 500, reason: 'other' } })
  })

  it('rejects unknown keys instead of dropping them', () => {
    const result = issueRefund.validate({ order_id: 'o-1', amount_cents: 500, evil: 'x', also: 1 })
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: ['evil'], code: 'unknown_key', message: 'Unknown parameter: evil' },
        { path: ['also'], code: 'unknown_key', message: 'Unknown parameter: also' },
      ],
    })
  })

  it('reports missing fields, wrong types and range problems with their paths', () => {
    const result = issueRefund.validate({ amount_cents: -5, reason: 'bored', notify: { email: 'nope' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues.map((i) => [i.path, i.code])).toEqual([
      [['order_id'], 'missing'],
      [['amount_cents'], 'too_small'],
      [['reason'], 'invalid_value'],
      [['notify', 'email'], 'invalid_format'],
    ])
    expect(result.issues[0]?.message).toBe('Missing required parameter: order_id')
  })

  it('reports a wrong type as invalid_type, not as missing', () => {
    const result = issueRefund.validate({ order_id: 7, amount_cents: 1 })
    expect(result.ok ? [] : result.issues.map((i) => i.code)).toEqual(['invalid_type'])
  })

  it('does not echo submitted values in issues', () => {
    const result = issueRefund.validate({ order_id: 'o-1', amount_cents: 'secret-token-123' })
    expect(JSON.stringify(result)).not.toContain('secret-token-123')
  })

  it('rejects non-object inputs without throwing', () => {
    for (const bad of [null, undefined, 'x', [1], 42]) {
      const result = issueRefund.validate(bad)
      expect(result.ok).toBe(false)
    }
  })

  it('turns a throwing refinement into an issue instead of an exception', () => {
    const fragile = defineAction({
      name: 'fragile',
      description: 'Throws while validating',
      input: z.object({
        x: z.string().refine(() => {
          throw new Error('boom')
        }),
      }),
      risk: 'low',
    })
    expect(fragile.validate({ x: 'a' })).toEqual({
      ok: false,
      issues: [{ path: [], code: 'custom', message: 'input validation failed: boom' }],
    })
  })

  it('keeps an explicit catchall chosen by the author', () => {
    const loose = defineAction({
      name: 'loose',
      description: 'd',
      input: z.looseObject({ a: z.string() }),
      risk: 'low',
    })
    expect(loose.validate({ a: 'x', extra: 1 })).toEqual({ ok: true, value: { a: 'x', extra: 1 } })
  })

  it('runs the handler with typed input', async () => {
    const input = issueRefund.validate({ order_id: 'o-9', amount_cents: 100 })
    if (!input.ok) throw new Error('expected valid input')
    await expect(issueRefund.handler?.(input.value, context)).resolves.toEqual({ refund_id: 'rf-o-9-100' })
  })

  it('hands the handler the parsed input, defaults filled in', async () => {
    const seen: unknown[] = []
    const echo = defineAction({
      name: 'echo',
      description: 'd',
      input: z.object({ n: z.coerce.number(), mode: z.enum(['a', 'b']).default('a') }),
      risk: 'low',
      handler: (input) => {
        seen.push(input)
        return input.n * 2
      },
    })
    const input = echo.validate({ n: '21' })
    if (!input.ok) throw new Error('expected valid input')
    expect(await echo.handler?.(input.value, context)).toBe(42)
    expect(seen).toEqual([{ n: 21, mode: 'a' }])
  })

  describe('rejects invalid definitions with CONFIG_INVALID', () => {
    const valid = { name: 'ok', description: 'd', input: z.object({}), risk: 'low' } as const

    it.each([
      ['an upper-case name', { name: 'Refund' }, 'name must match ^[a-z][a-z0-9_-]*$'],
      ['a name with spaces', { name: 'issue refund' }, 'name must match'],
      ['an empty description', { description: '  ' }, 'description must not be empty'],
      ['an unknown risk', { risk: 'extreme' }, 'risk must be one of low, medium, high, critical'],
      ['a non-object input', { input: z.string() }, 'input must be a zod object schema'],
      ['a non-string scope', { required_scopes: [1] }, 'required_scopes must be a list of non-empty strings'],
      [
        'an input JSON Schema cannot express',
        { input: z.object({ at: z.date() }) },
        'input cannot be expressed as JSON Schema',
      ],
    ])('%s', (_label, override, message) => {
      const build = () =>
        defineAction({ ...valid, ...(override as object) } as Parameters<typeof defineAction>[0])
      expect(build).toThrow(AirlockError)
      expect(build).toThrow(message)
      try {
        build()
      } catch (error) {
        expect(AirlockError.isInstance(error) && error.code).toBe('CONFIG_INVALID')
      }
    })

    it('lists every problem at once', () => {
      expect(() =>
        defineAction({ ...valid, name: 'Bad Name', description: '', risk: 'nope' as 'low' }),
      ).toThrow(
        "Invalid action definition 'Bad Name': name must match ^[a-z][a-z0-9_-]*$; description must not be empty; risk must be one of low, medium, high, critical",
      )
    })

    it('accepts both snake_case and kebab-case names', () => {
      expect(defineAction({ ...valid, name: 'issue_refund' }).name).toBe('issue_refund')
      expect(defineAction({ ...valid, name: 'restart-deployment' }).name).toBe('restart-deployment')
    })
  })
})
