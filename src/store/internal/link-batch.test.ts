import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AuditEventInput } from '../../audit/audit-event.js'
import { linkHash } from '../../audit/hash-chain.js'
import { linkBatch, unlinkedEvents } from './link-batch.js'

const text = fc.string({
  unit: fc.constantFrom('a', 'é', '"', '\\', '\u2028', '😀', '\ud800', 'seq', ':', ','),
})
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom('seq', 'a', 'z', 'prev_hash'), text), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value

const event = fc.record({
  id: fc.string({ minLength: 1 }),
  ts: fc.constant('2026-12-07T12:00:00.000Z'),
  tenant_id: fc.constant('acme'),
  request_id: fc.string({ minLength: 1 }),
  status: fc.constantFrom('started', 'executed'),
  action: fc.string({ minLength: 1 }),
  actor: text.filter((t) => t.length > 0 && !t.includes('\ud800')),
  decision: fc.option(fc.constantFrom('allow', 'deny')),
  inputs: json,
  result: json,
  context: fc.option(fc.dictionary(fc.constantFrom('seq', 'shadow', 'x'), json, { maxKeys: 2 })),
})

describe('events linked where their seq is chosen later', () => {
  it('have exactly the body and hash linkBatch gives them, whatever they hold', () => {
    fc.assert(
      fc.property(event, fc.integer({ min: 1, max: 2 ** 40 }), (input, seq) => {
        const prev = 'ab'.repeat(32)
        const [direct] = linkBatch({ seq: seq - 1, hash: prev }, [input as unknown as AuditEventInput])
        const [later] = unlinkedEvents([input as unknown as AuditEventInput])
        const body = `${later!.pre}${seq}${later!.post}`
        expect(body).toBe(direct!.body)
        const hash = linkHash(prev, body)
        expect(hash).toBe(direct!.event.hash)
        expect(later!.linked(seq, prev, hash)).toEqual(direct!.event)
      }),
      { numRuns: 500 },
    )
  })

  it('split the same way when an event carries odd top-level keys', () => {
    const input = JSON.parse(
      '{"id":"e1","ts":"2026-12-07T12:00:00.000Z","tenant_id":"t","request_id":"r","status":"started","action":"a","actor":"x","__proto__":{"p":1},"seqq":2,"se":3,"ſ":4}',
    ) as AuditEventInput
    const [direct] = linkBatch({ seq: 41, hash: 'c'.repeat(64) }, [input])
    const [later] = unlinkedEvents([input])
    expect(`${later!.pre}42${later!.post}`).toBe(direct!.body)
    expect(direct!.body).toContain('"__proto__":{"p":1}')
  })

  it('refuses an event with a top-level toJSON, on every path', () => {
    const input = { id: 'e', ts: 't', tenant_id: 't', request_id: 'r', status: 's', action: 'a', actor: 'x' }
    const odd = { ...input, toJSON: () => 'x' } as unknown as AuditEventInput
    expect(() => linkBatch({ seq: 0, hash: 'c'.repeat(64) }, [odd])).toThrow(/without a toJSON method/)
    expect(() => unlinkedEvents([odd])).toThrow(/without a toJSON method/)
  })

  it('refuses indexed text a database column cannot hold as hashed', () => {
    const input = { id: 'e', ts: 't', tenant_id: 't', request_id: 'r', status: 's', action: 'a', actor: 'x' }
    for (const actor of ['agent\u0000', 'agent\ud800']) {
      const odd = { ...input, actor } as unknown as AuditEventInput
      expect(() => linkBatch({ seq: 0, hash: 'c'.repeat(64) }, [odd])).toThrow(
        /actor holds a NUL or an unpaired/,
      )
    }
    const paired = { ...input, actor: 'agent 😀' } as unknown as AuditEventInput
    expect(linkBatch({ seq: 0, hash: 'c'.repeat(64) }, [paired])).toHaveLength(1)
  })
})
