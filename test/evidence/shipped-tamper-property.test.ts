/**
 * Property: whatever someone holding a shipped file changes — one field of
 * a random event, an event removed, duplicated or moved — even with every
 * seq and hash after it recomputed so the chain is valid again, verifying
 * the file against its signed checkpoint fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/audit/audit-event.js'
import { canonicalJson } from '../../src/audit/canonical-json.js'
import { chainHash, GENESIS_HASH } from '../../src/audit/hash-chain.js'
import { generateSigner, parseVerifierKey, verifierKey } from '../../src/evidence/note-keys.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { verifyShippedFiles } from '../../src/evidence/verify-shipped.js'
import { checkpointLine } from '../../src/shipping/batch-lines.js'
import { memoryStore } from '../../src/store/memory/index.js'
import { sampleEvent } from '../store/conformance.js'

const SIZE = 13
const FIELDS = ['actor', 'action', 'status', 'target', 'reason', 'tenant_id', 'ts'] as const
const { signer } = generateSigner('example.test/shipped')
const verifier = parseVerifierKey(verifierKey(signer))
const dir = mkdtempSync(join(tmpdir(), 'airlock-shipped-tamper-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let events: readonly AuditEvent[]
let trailer: string

beforeAll(async () => {
  const store = memoryStore()
  const log = createTransparencyLog({ store, signer })
  await store.audit.append(Array.from({ length: SIZE }, () => sampleEvent()))
  const checkpoint = await log.checkpoint()
  if (!checkpoint || checkpoint.size !== SIZE) throw new Error('expected a checkpoint of every event')
  events = await store.audit.range(0, SIZE)
  trailer = checkpointLine(checkpoint)
})

/** Numbers and links the events again from seq 1, as a forger holding only the file would. */
function relink(list: readonly AuditEvent[]): AuditEvent[] {
  let prev = GENESIS_HASH
  return list.map((event, i) => {
    const { prev_hash: _p, hash: _h, ...body } = event
    const renumbered = { ...body, seq: i + 1 }
    const hash = chainHash(prev, renumbered)
    const linked = { ...renumbered, prev_hash: prev, hash } as AuditEvent
    prev = hash
    return linked
  })
}

type Tamper =
  | { kind: 'edit'; at: number; field: (typeof FIELDS)[number] }
  | { kind: 'remove'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'move'; at: number; to: number }

const index = fc.integer({ min: 0, max: SIZE - 1 })
const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), at: index, field: fc.constantFrom(...FIELDS) }),
  fc.record({ kind: fc.constant('remove' as const), at: index }),
  fc.record({ kind: fc.constant('duplicate' as const), at: index }),
  fc.record({ kind: fc.constant('move' as const), at: index, to: index }).filter((t) => t.at !== t.to),
)

function apply(t: Tamper): AuditEvent[] {
  const list = [...events]
  if (t.kind === 'edit') list[t.at] = { ...list[t.at]!, [t.field]: `forged-${t.field}` }
  else if (t.kind === 'remove') list.splice(t.at, 1)
  else if (t.kind === 'duplicate') list.splice(t.at, 0, list[t.at]!)
  else list.splice(t.to, 0, ...list.splice(t.at, 1))
  return list
}

let n = 0
function write(list: readonly AuditEvent[]): string {
  const path = join(dir, `f${n++}.jsonl`)
  writeFileSync(path, `${list.map((e) => canonicalJson(e)).join('\n')}\n${trailer}`)
  return path
}

describe('verifying a shipped file against its checkpoint', () => {
  it('accepts the file as shipped', async () => {
    expect(await verifyShippedFiles([write(events)], verifier)).toMatchObject({ valid: true, count: SIZE })
  })

  it('rejects any changed, removed, duplicated or moved event, with or without the chain recomputed', async () => {
    await fc.assert(
      fc.asyncProperty(tamper, fc.boolean(), async (t, rechain) => {
        const changed = apply(t)
        const result = await verifyShippedFiles([write(rechain ? relink(changed) : changed)], verifier)
        expect(result.valid).toBe(false)
        if (rechain && !result.valid) {
          expect(result.reason).toMatch(/signed checkpoint|different root/)
        }
      }),
      { numRuns: 150 },
    )
  })
})
