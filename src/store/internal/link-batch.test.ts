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
  actor: text.filter((t) => t.length > 0),
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
})
