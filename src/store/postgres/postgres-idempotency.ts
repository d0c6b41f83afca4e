/**
 * Idempotency keys in PostgreSQL.
 *
 * @remarks Concurrency contract, across any number of replicas: `claim` is
 * one `INSERT … ON CONFLICT DO UPDATE … WHERE` upsert, so of any number of
 * concurrent claims of one key exactly one gets `claimed`; the others read
 * the winner's row (`in_flight` or `completed`). A claim takes over an
 * `in_flight` key only when its lease has run out and the fingerprint matches
 * (`recovered: true`), and a `completed` key only when it has expired.
 * `complete`, `extend` and `release` act only for the current owner of an
 * `in_flight` key, so a caller whose lease was taken over can no longer
 * change the row.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { isoTime } from '../internal/iso-time.js'
import { badRequest } from '../internal/store-error.js'
import type { ClaimResult, IdempotencyClaimRequest, IdempotencyStore } from '../store.js'
import type { PostgresConnection } from './postgres-connection.js'

interface IdempotencyRow {
  fingerprint: string
  state: 'in_flight' | 'completed'
  outcome: string | null
}

const SCOPE = 'tenant_id = $1 AND action = $2 AND idem_key = $3'
const OWNED = `${SCOPE} AND owner = $4 AND state = 'in_flight'`

/** The idempotency statements over the quoted schema `s`. */
export function idempotencyStatements(s: string) {
  const t = `${s}.airlock_idempotency`
  return {
    claim: `INSERT INTO ${t} AS i
        (tenant_id, action, idem_key, fingerprint, owner, state, lease_until, outcome, expires_at, recovered)
      VALUES ($1, $2, $3, $4, $5, 'in_flight', $6, NULL, NULL, 0)
      ON CONFLICT (tenant_id, action, idem_key) DO UPDATE SET
        fingerprint = excluded.fingerprint, owner = excluded.owner, state = 'in_flight',
        lease_until = excluded.lease_until, outcome = NULL, expires_at = NULL,
        recovered = CASE WHEN i.state = 'in_flight' THEN 1 ELSE 0 END
      WHERE (i.state = 'in_flight' AND i.lease_until <= $7 AND i.fingerprint = excluded.fingerprint)
         OR (i.state = 'completed' AND i.expires_at <= $7)
      RETURNING recovered`,
    select: `SELECT fingerprint, state, outcome FROM ${t} WHERE ${SCOPE}`,
    complete: `UPDATE ${t} SET state = 'completed', outcome = $5, expires_at = $6 WHERE ${OWNED}`,
    extend: `UPDATE ${t} SET lease_until = $5 WHERE ${OWNED}`,
    release: `DELETE FROM ${t} WHERE ${OWNED}`,
    // Rows a writer holds (a batch re-claiming an expired key) are skipped, not
    // waited for: a purge locking many rows in its own order while a batch
    // locks its keys in key order could otherwise deadlock with it.
    purge: `DELETE FROM ${t} WHERE (tenant_id, action, idem_key) IN (
        SELECT tenant_id, action, idem_key FROM ${t}
        WHERE state = 'completed' AND expires_at <= $1 FOR UPDATE SKIP LOCKED)`,
    purgeAbandoned: `DELETE FROM ${t} WHERE (tenant_id, action, idem_key) IN (
        SELECT tenant_id, action, idem_key FROM ${t}
        WHERE state = 'in_flight' AND lease_until < $1 FOR UPDATE SKIP LOCKED)`,
  }
}

type Sql = ReturnType<typeof idempotencyStatements>

async function claim(
  c: PostgresConnection,
  sql: Sql,
  request: IdempotencyClaimRequest,
): Promise<ClaimResult> {
  const now = isoTime(request.now, 'now')
  const lease = isoTime(request.lease_until, 'lease_until')
  const { tenant_id, action, key, fingerprint, owner } = request
  // The upsert decides atomically; when it did not win, a second read
  // reports who did. Between the two a holder may release the key, so
  // try again rather than report a row that no longer exists.
  for (let attempt = 0; attempt < 5; attempt++) {
    const values = [tenant_id, action, key, fingerprint, owner, lease, now]
    const [won] = await c.query<{ recovered: number }>('idempotency.claim', sql.claim, values)
    if (won) return { kind: 'claimed', recovered: won.recovered === 1 }
    const [row] = await c.query<IdempotencyRow>('idempotency.claim', sql.select, [tenant_id, action, key])
    if (!row) continue
    return row.state === 'completed'
      ? { kind: 'completed', fingerprint: row.fingerprint, outcome: row.outcome ?? '' }
      : { kind: 'in_flight', fingerprint: row.fingerprint }
  }
  throw new AirlockError(
    ErrorCode.STORE_ERROR,
    `postgres store: idempotency.claim for key ${JSON.stringify(key)} kept changing under it; try again`,
  )
}

/** The idempotency store over a PostgreSQL connection. */
export function postgresIdempotency(c: PostgresConnection): IdempotencyStore {
  const sql = idempotencyStatements(c.s)
  return {
    claim: (request) => claim(c, sql, request),
    async complete(scope, owner, outcome, expires_at) {
      if (typeof outcome !== 'string') throw badRequest('idempotency outcome must be serialised JSON text')
      const expires = isoTime(expires_at, 'expires_at')
      const values = [scope.tenant_id, scope.action, scope.key, owner, outcome, expires]
      return (await c.count('idempotency.complete', sql.complete, values)) === 1
    },
    async extend(scope, owner, lease_until) {
      const lease = isoTime(lease_until, 'lease_until')
      const values = [scope.tenant_id, scope.action, scope.key, owner, lease]
      return (await c.count('idempotency.extend', sql.extend, values)) === 1
    },
    async release(scope, owner) {
      await c.count('idempotency.release', sql.release, [scope.tenant_id, scope.action, scope.key, owner])
    },
    async get(scope) {
      const values = [scope.tenant_id, scope.action, scope.key]
      const [row] = await c.query<IdempotencyRow>('idempotency.get', sql.select, values)
      return row ? { fingerprint: row.fingerprint, state: row.state, outcome: row.outcome } : null
    },
    async purge(now, abandoned_before) {
      const purged = await c.count('idempotency.purge', sql.purge, [isoTime(now, 'now')])
      if (abandoned_before === undefined) return purged
      const abandoned = isoTime(abandoned_before, 'abandoned_before')
      return purged + (await c.count('idempotency.purge', sql.purgeAbandoned, [abandoned]))
    },
  }
}
