import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AirlockError } from '../errors/airlock-error.js'
import { requestFingerprint } from './fingerprint.js'

const base = {
  action: 'issue_refund',
  inputs: { invoice_id: 'inv-1', amount: 10, meta: { a: 1, b: [1, 2] } },
  actor_id: 'agent-1',
  tenant_id: 't1',
  target: 'prod/billing',
}

describe('requestFingerprint', () => {
  it('is the hex sha256 of the canonical JSON of the bound fields', () => {
    const canonical =
      '{"action":"issue_refund","actor_id":"agent-1","inputs":{"amount":10,"invoice_id":"inv-1","meta":{"a":1,"b":[1,2]}},"target":"prod/billing","tenant_id":"t1"}'
    expect(requestFingerprint(base)).toBe(createHash('sha256').update(canonical).digest('hex'))
  })

  it('ignores key order at every level', () => {
    const reordered = {
      target: 'prod/billing',
      tenant_id: 't1',
      inputs: { meta: { b: [1, 2], a: 1 }, amount: 10, invoice_id: 'inv-1' },
      actor_id: 'agent-1',
      action: 'issue_refund',
    }
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(base))
  })

  it.each([
    ['action', { action: 'issue_refund_v2' }],
    ['inputs', { inputs: { ...base.inputs, amount: 11 } }],
    ['caller', { actor_id: 'agent-2' }],
    ['tenant', { tenant_id: 't2' }],
    ['target', { target: 'dev/billing' }],
    ['array order', { inputs: { ...base.inputs, meta: { a: 1, b: [2, 1] } } }],
  ])('changes when the %s changes', (_name, change) => {
    expect(requestFingerprint({ ...base, ...change })).not.toBe(requestFingerprint(base))
  })

  it('treats a missing target as null', () => {
    const { target: _ignored, ...untargeted } = base
    expect(requestFingerprint(untargeted)).toBe(requestFingerprint({ ...base, target: null }))
  })

  it('rejects inputs JSON cannot represent with INPUT_INVALID', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const inputs of [{ n: 1n }, { n: Number.NaN }, cyclic]) {
      let code = 'none'
      try {
        requestFingerprint({ ...base, inputs })
      } catch (error) {
        code = AirlockError.isInstance(error) ? error.code : 'other'
      }
      expect(code).toBe('INPUT_INVALID')
    }
  })
})
