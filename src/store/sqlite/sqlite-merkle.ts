/**
 * The Merkle tree over the audit chain, and its checkpoints, in SQLite.
 *
 * @remarks Concurrency contract: `integrate` checks the one-row tree head and
 * stores the new nodes inside one `BEGIN IMMEDIATE` transaction, so of any
 * number of integrators, in any process, exactly one advances the tree from
 * a given size and the others change nothing. Checkpoints are keyed by
 * origin and size, so two notes for one size never coexist. Nothing here
 * writes the audit chain itself.
 *
 * @module
 */
import { checkAfter, checkLimit, MAX_RANGE_LIMIT } from '../internal/limit.js'
import {
  type CheckpointRow,
  checkAdvance,
  INDEXED_COLUMNS,
  nodeBytes,
  readCheckpointRow,
  readColumnsRow,
  readNodeRow,
} from '../internal/merkle-rows.js'
import type { ChainLink, MerkleHead, MerkleNode, MerkleStore } from '../store.js'
import type { SqliteConnection } from './sqlite-connection.js'
import type { SqliteStatement } from './sqlite-store-config.js'

const HEAD = 'SELECT size, last_hash FROM airlock_merkle_head WHERE id = 1'
const ADVANCE = 'UPDATE airlock_merkle_head SET size = ?, last_hash = ? WHERE id = 1'
/** Rows per INSERT: one statement per 256 nodes instead of one per node. */
const INSERT_ROWS = 256
const insertNodes = (rows: number) =>
  `INSERT INTO airlock_merkle_nodes (level, idx, hash) VALUES ${Array(rows).fill('(?, ?, ?)').join(', ')}`
const LINKS = 'SELECT seq, prev_hash, hash FROM airlock_audit_events WHERE seq > ? ORDER BY seq LIMIT ?'
const NODE = 'SELECT level, idx, hash FROM airlock_merkle_nodes WHERE level = ? AND idx = ?'
const CHECKPOINT_AT = 'SELECT * FROM airlock_checkpoints WHERE size = ? ORDER BY origin LIMIT 1'

/** Chain links read as arrays when the driver can: an integration reads thousands on the event loop. */
function linkRows(stmt: SqliteStatement, after: number, limit: number): ChainLink[] {
  if (!stmt.raw) {
    const rows = stmt.all(after, limit) as { seq: number; prev_hash: string; hash: string }[]
    return rows.map((r) => ({ seq: Number(r.seq), prev_hash: r.prev_hash, hash: r.hash }))
  }
  const rows = stmt.raw(true).all(after, limit) as [number, string, string][]
  return rows.map(([seq, prev_hash, hash]) => ({ seq: Number(seq), prev_hash, hash }))
}

function integrate(
  c: SqliteConnection,
  from: MerkleHead,
  to: MerkleHead,
  nodes: readonly MerkleNode[],
): boolean {
  checkAdvance(from, to)
  const values = nodes.flatMap((n) => [n.level, n.index, nodeBytes(n)])
  return c.write('merkle.integrate', () => {
    const head = c.stmt(HEAD).get() as { size: number; last_hash: string }
    if (head.size !== from.size || head.last_hash !== from.last_hash) return false
    const step = INSERT_ROWS * 3
    for (let i = 0; i < values.length; i += step) {
      const chunk = values.slice(i, i + step)
      c.stmt(insertNodes(chunk.length / 3)).run(...chunk)
    }
    c.stmt(ADVANCE).run(to.size, to.last_hash)
    return true
  })
}

/** The Merkle store over a SQLite connection. */
export function sqliteMerkle(c: SqliteConnection): MerkleStore {
  return {
    async head() {
      const head = c.read('merkle.head', () => c.stmt(HEAD).get()) as { size: number; last_hash: string }
      return { size: Number(head.size), last_hash: head.last_hash }
    },
    async links(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      return c.read('merkle.links', () => linkRows(c.stmt(LINKS), after, limit))
    },
    integrate: async (from, to, nodes) => integrate(c, from, to, nodes),
    async nodes(keys) {
      return c.read('merkle.nodes', () => {
        const select = c.stmt(NODE)
        const out: MerkleNode[] = []
        for (const key of keys) {
          const row = select.get(key.level, key.index) as Parameters<typeof readNodeRow>[0] | undefined
          if (row) out.push(readNodeRow(row))
        }
        return out
      })
    },
    async addCheckpoint(cp) {
      return c.write('merkle.addCheckpoint', () => {
        const existing = c
          .stmt('SELECT note FROM airlock_checkpoints WHERE origin = ? AND size = ?')
          .get(cp.origin, cp.size) as { note: string } | undefined
        if (existing) return existing.note === cp.note ? 'exists' : 'conflict'
        c.stmt(
          'INSERT INTO airlock_checkpoints (origin, size, root, note, created_at) VALUES (?, ?, ?, ?, ?)',
        ).run(cp.origin, cp.size, cp.root, cp.note, cp.created_at)
        return 'added'
      })
    },
    async latestCheckpoint(origin) {
      const row = c.read('merkle.latestCheckpoint', () =>
        origin === undefined
          ? c.stmt('SELECT * FROM airlock_checkpoints ORDER BY size DESC, created_at DESC LIMIT 1').get()
          : c
              .stmt('SELECT * FROM airlock_checkpoints WHERE origin = ? ORDER BY size DESC LIMIT 1')
              .get(origin),
      ) as CheckpointRow | undefined
      return row ? readCheckpointRow(row) : null
    },
    async checkpoints(limit, before) {
      checkLimit(limit, MAX_RANGE_LIMIT)
      const rows = c.read('merkle.checkpoints', () =>
        c
          .stmt('SELECT * FROM airlock_checkpoints WHERE size < ? ORDER BY size DESC, origin LIMIT ?')
          .all(before ?? Number.MAX_SAFE_INTEGER, limit),
      ) as CheckpointRow[]
      return rows.map(readCheckpointRow)
    },
    async checkpointAt(size) {
      const row = c.read('merkle.checkpointAt', () => c.stmt(CHECKPOINT_AT).get(size)) as
        | CheckpointRow
        | undefined
      return row ? readCheckpointRow(row) : null
    },
    async eventSeq(id) {
      const row = c.read('merkle.eventSeq', () =>
        c.stmt('SELECT seq FROM airlock_audit_events WHERE id = ?').get(id),
      ) as { seq: number } | undefined
      return row ? Number(row.seq) : null
    },
    async indexedColumns(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      const rows = c.read('merkle.indexedColumns', () =>
        c
          .stmt(`SELECT ${INDEXED_COLUMNS} FROM airlock_audit_events WHERE seq > ? ORDER BY seq LIMIT ?`)
          .all(after, limit),
      ) as Record<string, unknown>[]
      return rows.map(readColumnsRow)
    },
  }
}
