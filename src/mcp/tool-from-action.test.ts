import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../actions/define-action.js'
import { toolFromAction } from './tool-from-action.js'

describe('toolFromAction', () => {
  it('carries name, description, input and output schemas', () => {
    const tool = toolFromAction(
      defineAction({
        name: 'get_invoice',
        description: 'Read one invoice.',
        risk: 'low',
        tags: ['read_only'],
        meta: { idempotent: true },
        input: z.object({ invoice_id: z.string() }),
        output: z.object({ amount: z.number() }),
      }),
    )
    expect(tool.name).toBe('get_invoice')
    expect(tool.description).toBe('Read one invoice.')
    expect(tool.inputSchema).toMatchObject({
      type: 'object',
      properties: { invoice_id: { type: 'string' } },
      required: ['invoice_id'],
    })
    expect(tool.inputSchema).not.toHaveProperty('$schema')
    expect(tool.outputSchema).toMatchObject({ type: 'object', properties: { amount: { type: 'number' } } })
    expect(tool.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
    })
  })

  it('marks high-risk and irreversible actions destructive, and leaves idempotency unsaid when unknown', () => {
    const high = toolFromAction(
      defineAction({ name: 'drop', description: 'Drop.', risk: 'high', input: z.object({}) }),
    )
    expect(high.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true })
    expect(high.annotations).not.toHaveProperty('idempotentHint')
    const irreversible = toolFromAction(
      defineAction({
        name: 'send',
        description: 'Send.',
        risk: 'medium',
        meta: { reversible: false },
        input: z.object({}),
      }),
    )
    expect(irreversible.annotations?.destructiveHint).toBe(true)
    expect(high.outputSchema).toBeUndefined()
  })
})
