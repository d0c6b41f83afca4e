/**
 * Row shapes and checks the SQL Merkle stores share: checkpoint rows, the
 * indexed audit columns, and the one precondition of `integrate`.
 *
 * @module
 */
import type { AuditIndexedColumns, MerkleHead, MerkleNode, StoredCheckpoint } from '../store.js'
import { badRequest } from './store-error.js'

/** A checkpoint row as the drivers return it (PostgreSQL returns bigint as text). */
export interface CheckpointRow {
  origin: string
  size: string | number
  root: string
  note: string
  created_at: string
}

export function readCheckpointRow(row: CheckpointRow): StoredCheckpoint {
  return {
    origin: row.origin,
    size: Number(row.size),
    root: row.root,
    note: row.note,
    created_at: row.created_at,
  }
}

/** Stored node hashes are raw bytes; the contract speaks hex. */
export function readNodeRow(row: {
  level: number | string
  idx: number | string
  hash: Uint8Array
}): MerkleNode {
  return { level: Number(row.level), index: Number(row.idx), hash: Buffer.from(row.hash).toString('hex') }
}

/** Raw bytes of a node's hex hash, after checking it. */
export function nodeBytes(node: MerkleNode): Buffer {
  if (!/^[0-9a-f]{64}$/.test(node.hash))
    throw badRequest(`merkle node ${node.level}/${node.index}: hash must be 64 hex characters`)
  return Buffer.from(node.hash, 'hex')
}

/** Checks that `to` follows `from`. */
export function checkAdvance(from: MerkleHead, to: MerkleHead): void {
  if (!Number.isSafeInteger(to.size) || to.size <= from.size) {
    throw badRequest(`merkle head: the new size ${to.size} must be larger than ${from.size}`)
  }
}

/** The audit columns query result, typed. */
export function readColumnsRow(row: Record<string, unknown>): AuditIndexedColumns {
  return {
    seq: Number(row.seq),
    id: String(row.id),
    ts: String(row.ts),
    tenant_id: String(row.tenant_id),
    request_id: String(row.request_id),
    status: String(row.status),
    action: String(row.action),
    actor: String(row.actor),
    decision: row.decision === null ? null : String(row.decision),
    approval_id: row.approval_id === null ? null : String(row.approval_id),
  }
}

/** The indexed columns, in the order queries select them. */
export const INDEXED_COLUMNS =
  'seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id'
