/**
 * Property: whatever an owner of the database changes after a checkpoint
 * was published — one field of a random event's body, one indexed column,
 * or the tail (cut, or cut and rewritten with the tree rebuilt) — a holder
 * of that checkpoint, or `audit verify`, detects it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { inclusionBundle, verifyInclusionBundle } from '../../src/evidence/audit-evidence.js'
import { openCheckpoint, type SignedCheckpoint } from '../../src/evidence/checkpoint.js'
import { integrateCommitted } from '../../src/evidence/integrate-committed.js'
import { generateSigner, parseVerifierKey, verifierKey } from '../../src/evidence/note-keys.js'
import { storeTree } from '../../src/evidence/store-tree.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { verifyConsistency } from '../../src/evidence/verify-proofs.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { sampleEvent } from '../store/conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-tamper-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

const { signer } = generateSigner('example.test/tamper')
const verifier = parseVerifierKey(verifierKey(signer))
const BODY_FIELDS = ['actor', 'action', 'status', 'target', 'reason', 'tenant_id', 'decision'] as const
const COLUMNS = ['actor', 'action', 'status', 'tenant_id', 'request_id', 'decision', 'ts'] as const

type Tamper =
  | { kind: 'body'; field: (typeof BODY_FIELDS)[number] }
  | { kind: 'column'; column: (typeof COLUMNS)[number] }
  | { kind: 'truncate' }
  | { kind: 'rewrite' }

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.constantFrom(...BODY_FIELDS).map((field) => ({ kind: 'body' as const, field })),
  fc.constantFrom(...COLUMNS).map((column) => ({ kind: 'column' as const, column })),
  fc.constant({ kind: 'truncate' as const }),
  fc.constant({ kind: 'rewrite' as const }),
)

function apply(path: string, t: Tamper, seq: number): void {
  const db = new Database(path)
  if (t.kind === 'body') {
    db.prepare(
      `UPDATE airlock_audit_events SET body = json_set(body, '$.${t.field}', 'forged') WHERE seq = ?`,
    ).run(seq)
  } else if (t.kind === 'column') {
    db.prepare(`UPDATE airlock_audit_events SET ${t.column} = 'forged' WHERE seq = ?`).run(seq)
  } else {
    // Cut the tail at `seq`, and make the chain head and the Merkle tree agree, as an owner would.
    const prev = db.prepare('SELECT prev_hash FROM airlock_audit_events WHERE seq = ?').get(seq) as {
      prev_hash: string
    }
    db.prepare('DELETE FROM airlock_audit_events WHERE seq >= ?').run(seq)
    db.prepare('UPDATE airlock_audit_head SET seq = ?, hash = ? WHERE id = 1').run(seq - 1, prev.prev_hash)
    db.prepare('DELETE FROM airlock_merkle_nodes').run()
    db.prepare(`UPDATE airlock_merkle_head SET size = 0, last_hash = '${'0'.repeat(64)}'`).run()
    db.prepare('DELETE FROM airlock_checkpoints').run()
  }
  db.close()
}

/** What the holder of `cp` learns from the log as it now is. */
async function holderDetects(store: ReturnType<typeof sqliteStore>, cp: SignedCheckpoint, ids: string[]) {
  const merkle = store.merkle!
  await integrateCommitted({ merkle })
  const size = (await merkle.head()).size
  if (size < cp.size) return 'the log is smaller than the checkpoint'
  const tree = storeTree(merkle)
  const root = await tree.root(size)
  if (!verifyConsistency(cp.size, size, cp.root, root, await tree.consistency(cp.size, size))) {
    return 'no consistency proof from the checkpoint'
  }
  // Every event the holder asks about must still prove into the checkpoint it holds.
  for (const id of ids) {
    const bundle = await inclusionBundle({ audit: store.audit, merkle }, id, { size: cp.size }).catch(
      () => null,
    )
    if (!bundle) return `event ${id} is gone`
    const verdict = verifyInclusionBundle({ ...bundle, checkpoint: cp.note }, verifier)
    if (!verdict.valid) return verdict.reason
  }
  return null
}

describe('tampering after a checkpoint (property)', () => {
  it('is detected by a checkpoint holder or audit verify, whatever is changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.nat(), tamper, async (count, pick, t) => {
        const path = join(dir, `p-${n++}.db`)
        const store = sqliteStore({ path })
        await store.migrate()
        const events = await store.audit.append(Array.from({ length: count }, () => sampleEvent()))
        const log = createTransparencyLog({ store, signer })
        const cp = openCheckpoint((await log.checkpoint()).note, verifier)
        const target = events[pick % count]!
        apply(path, t, target.seq)
        if (t.kind === 'rewrite') {
          await store.audit.append(
            Array.from({ length: count + 1 }, () => sampleEvent({ reason: 'rewritten' })),
          )
        }
        const verified = await verifyStore(store)
        const holder = await holderDetects(
          store,
          cp,
          events.map((e) => e.id),
        ).catch((error: Error) => error.message)
        await store.close()
        if (t.kind === 'column') {
          // Columns are not hashed: audit verify compares them with the body.
          expect(verified).toMatchObject({ valid: false, seq: target.seq })
        } else {
          expect(holder).not.toBeNull()
        }
      }),
      { numRuns: 40 },
    )
  })
})
