import { describe, expect, it } from 'vitest'
import { localPrincipal } from '../identity/principal.js'
import { heldCallKey } from './govern-tool-call.js'
import { AIRLOCK_META_KEY, resultFromOutcome } from './result-from-outcome.js'

const base = { request_id: 'req-1', audit_id: 'evt-1', action: 'refund', replayed: false }

describe('resultFromOutcome', () => {
  it('answers a denial as an error with its code and reason', () => {
    const result = resultFromOutcome({
      ...base,
      status: 'denied',
      code: 'POLICY',
      reason: 'No refunds on Sunday',
      rule: 'sunday',
      issues: [],
      decision: null,
    })
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([
      { type: 'text', text: 'Denied by Airlock (POLICY): No refunds on Sunday' },
    ])
    expect(result._meta?.[AIRLOCK_META_KEY]).toMatchObject({ status: 'denied', rule: 'sunday' })
  })

  it('names the approval and how to resume a held call', () => {
    const result = resultFromOutcome({
      ...base,
      status: 'pending_approval',
      approval_id: 'apr-1',
      reason: 'Refunds need a human',
      rule: null,
      expires_at: '2030-01-01T00:00:00.000Z',
    })
    expect(result.isError).toBe(true)
    const text = (result.content[0] as { text: string }).text
    expect(text).toContain('apr-1')
    expect(text).toContain('same arguments')
  })

  it('returns an object result as structured content and JSON text', () => {
    const result = resultFromOutcome({ ...base, status: 'executed', result: { ok: 1 }, approval_id: null })
    expect(result.isError).toBeUndefined()
    expect(result.structuredContent).toEqual({ ok: 1 })
    expect(result.content).toEqual([{ type: 'text', text: '{"ok":1}' }])
  })

  it('relays a proxied tool result as the upstream sent it', () => {
    const upstream = { content: [{ type: 'text', text: 'hi' }], structuredContent: { a: 1 } }
    const result = resultFromOutcome({ ...base, status: 'executed', result: upstream, approval_id: null })
    expect(result.content).toEqual(upstream.content)
    expect(result.structuredContent).toEqual({ a: 1 })
  })
})

describe('heldCallKey', () => {
  it('is the same for the same caller, action and arguments in any key order, and differs otherwise', () => {
    const agent = localPrincipal('agent-7')
    const key = heldCallKey(agent, 'fs.move_file', { source: 'a', destination: 'b' })
    expect(heldCallKey(agent, 'fs.move_file', { destination: 'b', source: 'a' })).toBe(key)
    expect(
      heldCallKey(localPrincipal('agent-8'), 'fs.move_file', { source: 'a', destination: 'b' }),
    ).not.toBe(key)
    expect(heldCallKey(agent, 'fs.move_file', { source: 'a', destination: 'c' })).not.toBe(key)
  })
})
