/**
 * The Merkle tree over the audit chain, and its checkpoints, in PostgreSQL.
 *
 * @remarks Concurrency contract, across any number of replicas:
 * `integrate` locks the one-row tree head (`SELECT … FOR UPDATE`), checks it
 * is still where the caller started, stores the new nodes and advances the
 * head in one transaction; so exactly one integrator advances the tree from a
 * given size and the others change nothing. Checkpoints are keyed by origin
 * and size (`ON CONFLICT DO NOTHING`), so two notes for one size never
 * coexist. Nothing here writes the audit chain itself.
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
import type { MerkleStore } from '../store.js'
import type { PostgresConnection } from './postgres-connection.js'

function statements(s: string) {
  return {
    head: `SELECT size, last_hash FROM ${s}.airlock_merkle_head WHERE id = 1`,
    lockHead: `SELECT size, last_hash FROM ${s}.airlock_merkle_head WHERE id = 1 FOR UPDATE`,
    insertNodes: `INSERT INTO ${s}.airlock_merkle_nodes (level, idx, hash)
      SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])`,
    advance: `UPDATE ${s}.airlock_merkle_head SET size = $1, last_hash = $2 WHERE id = 1`,
    nodes: `SELECT n.level, n.idx, n.hash FROM ${s}.airlock_merkle_nodes n
      JOIN unnest($1::int[], $2::bigint[]) AS k(level, idx) ON n.level = k.level AND n.idx = k.idx`,
    insertCheckpoint: `INSERT INTO ${s}.airlock_checkpoints (origin, size, root, note, created_at)
      VALUES ($1, $2, $3, $4, $5) ON CONFLICT (origin, size) DO NOTHING`,
    checkpointNote: `SELECT note FROM ${s}.airlock_checkpoints WHERE origin = $1 AND size = $2`,
    latestAny: `SELECT * FROM ${s}.airlock_checkpoints ORDER BY size DESC, created_at DESC LIMIT 1`,
    latestOf: `SELECT * FROM ${s}.airlock_checkpoints WHERE origin = $1 ORDER BY size DESC LIMIT 1`,
    list: `SELECT * FROM ${s}.airlock_checkpoints WHERE size < $1 ORDER BY size DESC, origin LIMIT $2`,
    at: `SELECT * FROM ${s}.airlock_checkpoints WHERE size = $1 ORDER BY origin LIMIT 1`,
    seq: `SELECT seq FROM ${s}.airlock_audit_events WHERE id = $1`,
    links: `SELECT seq, prev_hash, hash FROM ${s}.airlock_audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
    columns: `SELECT ${INDEXED_COLUMNS} FROM ${s}.airlock_audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
  }
}

/** The Merkle store over a PostgreSQL connection. */
export function postgresMerkle(c: PostgresConnection): MerkleStore {
  const sql = statements(c.s)
  return {
    async head() {
      const [row] = await c.query<{ size: string; last_hash: string }>('merkle.head', sql.head)
      return { size: Number(row?.size ?? 0), last_hash: row?.last_hash ?? '' }
    },
    async links(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      const rows = await c.query<{ seq: string; prev_hash: string; hash: string }>(
        'merkle.links',
        sql.links,
        [after, limit],
      )
      return rows.map((r) => ({ seq: Number(r.seq), prev_hash: r.prev_hash, hash: r.hash }))
    },
    async integrate(from, to, nodes) {
      checkAdvance(from, to)
      const hashes = nodes.map(nodeBytes)
      return c.transaction('merkle.integrate', async (client) => {
        const [head] = (await client.query<{ size: string; last_hash: string }>(sql.lockHead)).rows
        if (!head || Number(head.size) !== from.size || head.last_hash !== from.last_hash) return false
        await client.query(sql.insertNodes, [nodes.map((n) => n.level), nodes.map((n) => n.index), hashes])
        await client.query(sql.advance, [to.size, to.last_hash])
        return true
      })
    },
    async nodes(keys) {
      if (keys.length === 0) return []
      const rows = await c.query<Parameters<typeof readNodeRow>[0]>('merkle.nodes', sql.nodes, [
        keys.map((k) => k.level),
        keys.map((k) => k.index),
      ])
      return rows.map(readNodeRow)
    },
    async addCheckpoint(cp) {
      const added = await c.count('merkle.addCheckpoint', sql.insertCheckpoint, [
        cp.origin,
        cp.size,
        cp.root,
        cp.note,
        cp.created_at,
      ])
      if (added === 1) return 'added'
      const [row] = await c.query<{ note: string }>('merkle.addCheckpoint', sql.checkpointNote, [
        cp.origin,
        cp.size,
      ])
      return row?.note === cp.note ? 'exists' : 'conflict'
    },
    async latestCheckpoint(origin) {
      const [row] =
        origin === undefined
          ? await c.query<CheckpointRow>('merkle.latestCheckpoint', sql.latestAny)
          : await c.query<CheckpointRow>('merkle.latestCheckpoint', sql.latestOf, [origin])
      return row ? readCheckpointRow(row) : null
    },
    async checkpoints(limit, before) {
      checkLimit(limit, MAX_RANGE_LIMIT)
      const rows = await c.query<CheckpointRow>('merkle.checkpoints', sql.list, [
        before ?? Number.MAX_SAFE_INTEGER,
        limit,
      ])
      return rows.map(readCheckpointRow)
    },
    async checkpointAt(size) {
      const [row] = await c.query<CheckpointRow>('merkle.checkpointAt', sql.at, [size])
      return row ? readCheckpointRow(row) : null
    },
    async eventSeq(id) {
      const [row] = await c.query<{ seq: string }>('merkle.eventSeq', sql.seq, [id])
      return row ? Number(row.seq) : null
    },
    async indexedColumns(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      const rows = await c.query<Record<string, unknown>>('merkle.indexedColumns', sql.columns, [
        after,
        limit,
      ])
      return rows.map(readColumnsRow)
    },
  }
}
