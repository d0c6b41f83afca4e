/**
 * The Merkle tree over the audit chain, and its checkpoints, in memory.
 * Built only on the audit store's public reads, like an integrator would be.
 *
 * @remarks Every operation completes without yielding between its read and
 * its write, so `integrate` is atomic on the one JavaScript thread.
 *
 * @module
 */
import { GENESIS_HASH } from '../../audit/hash-chain.js'
import { checkAfter, checkLimit, MAX_RANGE_LIMIT } from '../internal/limit.js'
import { checkAdvance, nodeBytes } from '../internal/merkle-rows.js'
import type { AuditIndexedColumns, AuditStore, MerkleHead, MerkleStore, StoredCheckpoint } from '../store.js'

/** A memory Merkle store over `audit`. */
export function memoryMerkle(audit: Pick<AuditStore, 'range'>): MerkleStore {
  let head: MerkleHead = { size: 0, last_hash: GENESIS_HASH }
  const nodes = new Map<string, string>()
  const checkpoints: StoredCheckpoint[] = []
  const bySize = () => [...checkpoints].sort((a, b) => b.size - a.size || a.origin.localeCompare(b.origin))

  async function* events(after: number) {
    for (;;) {
      const page = await audit.range(after, 1000)
      yield* page
      if (page.length < 1000) return
      after = page.at(-1)!.seq
    }
  }

  return {
    head: async () => head,
    async links(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      return (await audit.range(after, limit)).map((e) => ({
        seq: e.seq,
        prev_hash: e.prev_hash,
        hash: e.hash,
      }))
    },
    async integrate(from, to, added) {
      checkAdvance(from, to)
      for (const n of added) nodeBytes(n)
      if (head.size !== from.size || head.last_hash !== from.last_hash) return false
      for (const n of added) nodes.set(`${n.level}/${n.index}`, n.hash)
      head = { size: to.size, last_hash: to.last_hash }
      return true
    },
    async nodes(keys) {
      return keys.flatMap((k) => {
        const hash = nodes.get(`${k.level}/${k.index}`)
        return hash === undefined ? [] : [{ level: k.level, index: k.index, hash }]
      })
    },
    async addCheckpoint(cp) {
      const existing = checkpoints.find((c) => c.origin === cp.origin && c.size === cp.size)
      if (existing) return existing.note === cp.note ? 'exists' : 'conflict'
      checkpoints.push({ ...cp })
      return 'added'
    },
    latestCheckpoint: async (origin) =>
      bySize().find((c) => origin === undefined || c.origin === origin) ?? null,
    async checkpoints(limit, before) {
      checkLimit(limit, MAX_RANGE_LIMIT)
      return bySize()
        .filter((c) => c.size < (before ?? Number.MAX_SAFE_INTEGER))
        .slice(0, limit)
    },
    checkpointAt: async (size) => bySize().find((c) => c.size === size) ?? null,
    async eventSeq(id) {
      for await (const e of events(0)) if (e.id === id) return e.seq
      return null
    },
    async indexedColumns(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      // Memory keeps no columns beside the event: they are the event's own fields.
      return (await audit.range(after, limit)).map(
        (e): AuditIndexedColumns => ({
          seq: e.seq,
          id: e.id,
          ts: e.ts,
          tenant_id: e.tenant_id,
          request_id: e.request_id,
          status: e.status,
          action: e.action,
          actor: e.actor,
          decision: e.decision,
          approval_id: e.approval_id,
        }),
      )
    },
  }
}
