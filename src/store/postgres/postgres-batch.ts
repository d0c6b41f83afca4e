/**
 * Many requests' writes in one PostgreSQL transaction.
 *
 * @remarks Concurrency contract, across any number of replicas: the batch is
 * one transaction on one pooled connection, committed once. Claims and
 * completions take their row locks in key order (ops of one key keep their
 * order), so two batches touching the same keys cannot deadlock; each keeps
 * the contract of its single-call method (`postgres-idempotency.ts`). The
 * events are appended last, so the chain head is locked once per batch, not
 * per event, and only from the append to the commit.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { appendsOf, checkWriteOps } from '../internal/write-ops.js'
import type {
  ClaimResult,
  IdempotencyClaimRequest,
  IdempotencyScope,
  WriteOp,
  WriteResult,
} from '../store.js'
import { appendInTransaction } from './postgres-audit.js'
import type { PostgresConnection } from './postgres-connection.js'
import { idempotencyStatements } from './postgres-idempotency.js'
import type { PostgresPoolClient } from './postgres-store-config.js'

type Sql = ReturnType<typeof idempotencyStatements>

interface IdempotencyRow {
  fingerprint: string
  state: 'in_flight' | 'completed'
  outcome: string | null
}

async function claimWith(client: PostgresPoolClient, sql: Sql, request: IdempotencyClaimRequest) {
  const { tenant_id, action, key, fingerprint, owner, lease_until, now } = request
  const values = [tenant_id, action, key, fingerprint, owner, lease_until, now]
  // The upsert locks the row it conflicted with, even when it did not win,
  // so the read in the same transaction sees the row that beat it.
  const [won] = (await client.query<{ recovered: number }>(sql.claim, values)).rows
  if (won) return { kind: 'claimed', recovered: won.recovered === 1 } satisfies ClaimResult
  const [row] = (await client.query<IdempotencyRow>(sql.select, [tenant_id, action, key])).rows
  if (!row) {
    throw new AirlockError(
      ErrorCode.STORE_ERROR,
      `postgres store: idempotency key ${JSON.stringify(key)} vanished during its claim`,
    )
  }
  return row.state === 'completed'
    ? ({ kind: 'completed', fingerprint: row.fingerprint, outcome: row.outcome ?? '' } satisfies ClaimResult)
    : ({ kind: 'in_flight', fingerprint: row.fingerprint } satisfies ClaimResult)
}

const scopeOf = (op: WriteOp): IdempotencyScope | null =>
  op.kind === 'claim' ? op.request : op.kind === 'complete' ? op.scope : null

function lockOrder(a: IdempotencyScope, b: IdempotencyScope): number {
  const x = `${a.tenant_id}\u0000${a.action}\u0000${a.key}`
  const y = `${b.tenant_id}\u0000${b.action}\u0000${b.key}`
  return x < y ? -1 : x > y ? 1 : 0
}

/** Applies `ops` in one transaction; one result per op. */
export async function postgresBatch(
  c: PostgresConnection,
  ops: readonly WriteOp[],
): Promise<readonly WriteResult[]> {
  const checked = checkWriteOps(ops)
  if (checked.length === 0) return []
  const sql = idempotencyStatements(c.s)
  const keyed = checked
    .map((op, index) => ({ op, index, scope: scopeOf(op) }))
    .filter((k): k is typeof k & { scope: IdempotencyScope } => k.scope !== null)
    .sort((a, b) => lockOrder(a.scope, b.scope) || a.index - b.index)
  return c.transaction('batch', async (client) => {
    const results: WriteResult[] = new Array(checked.length)
    for (const { op, index } of keyed) {
      if (op.kind === 'claim')
        results[index] = { kind: 'claim', result: await claimWith(client, sql, op.request) }
      if (op.kind === 'complete') {
        const { scope, owner, outcome, expires_at } = op
        const values = [scope.tenant_id, scope.action, scope.key, owner, outcome, expires_at]
        const done = await client.query(sql.complete, values)
        results[index] = { kind: 'complete', stored: done.rowCount === 1 }
      }
    }
    const appends = appendsOf(checked)
    const stored = await appendInTransaction(
      client,
      c.s,
      appends.map((a) => a.event),
    )
    appends.forEach((a, i) => {
      results[a.index] = { kind: 'append', event: stored[i]! }
    })
    return results
  })
}
