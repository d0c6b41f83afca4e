/**
 * Idempotency keys in SQLite.
 *
 * @remarks Concurrency contract: `claim` runs its upsert and the follow-up
 * read in one `BEGIN IMMEDIATE` transaction, so of any number of concurrent
 * claims of one key, in any process, exactly one gets `claimed`; the others
 * see the winner's row (`in_flight` or `completed`) as it was when they ran.
 * A claim takes over an `in_flight` key only when its lease has run out and
 * the fingerprint matches (`recovered: true`), and a `completed` key only
 * when it has expired. `complete`, `extend` and `release` act only for the
 * current owner of an `in_flight` key, so a caller whose lease was taken over
 * can no longer change the row.
 *
 * @module
 */
import { isoTime } from '../internal/iso-time.js'
import { badRequest } from '../internal/store-error.js'
import type { ClaimResult, IdempotencyClaimRequest, IdempotencyScope, IdempotencyStore } from '../store.js'
import type { SqliteConnection } from './sqlite-connection.js'

interface IdempotencyRow {
  fingerprint: string
  state: 'in_flight' | 'completed'
  outcome: string | null
}

const CLAIM = `INSERT INTO airlock_idempotency AS i
    (tenant_id, action, idem_key, fingerprint, owner, state, lease_until, outcome, expires_at, recovered)
  VALUES (?, ?, ?, ?, ?, 'in_flight', ?, NULL, NULL, 0)
  ON CONFLICT (tenant_id, action, idem_key) DO UPDATE SET
    fingerprint = excluded.fingerprint, owner = excluded.owner, state = 'in_flight',
    lease_until = excluded.lease_until, outcome = NULL, expires_at = NULL,
    recovered = CASE WHEN i.state = 'in_flight' THEN 1 ELSE 0 END
  WHERE (i.state = 'in_flight' AND i.lease_until <= ? AND i.fingerprint = excluded.fingerprint)
     OR (i.state = 'completed' AND i.expires_at <= ?)
  RETURNING recovered`

const SCOPE = 'tenant_id = ? AND action = ? AND idem_key = ?'
const OWNED = `${SCOPE} AND owner = ? AND state = 'in_flight'`
const SELECT = `SELECT fingerprint, state, outcome FROM airlock_idempotency WHERE ${SCOPE}`
const COMPLETE = `UPDATE airlock_idempotency SET state = 'completed', outcome = ?, expires_at = ? WHERE ${OWNED}`
const EXTEND = `UPDATE airlock_idempotency SET lease_until = ? WHERE ${OWNED}`
const RELEASE = `DELETE FROM airlock_idempotency WHERE ${OWNED}`
const PURGE = `DELETE FROM airlock_idempotency WHERE state = 'completed' AND expires_at <= ?`
const PURGE_ABANDONED = `DELETE FROM airlock_idempotency WHERE state = 'in_flight' AND lease_until < ?`

/** The claim's statements, for a caller already inside `BEGIN IMMEDIATE` with normalised times. */
export function claimInTransaction(c: SqliteConnection, request: IdempotencyClaimRequest): ClaimResult {
  const { tenant_id, action, key, fingerprint, owner, lease_until, now } = request
  const won = c.stmt(CLAIM).get(tenant_id, action, key, fingerprint, owner, lease_until, now, now) as
    | { recovered: number }
    | undefined
  if (won) return { kind: 'claimed', recovered: won.recovered === 1 }
  // Same transaction: the row that beat this claim is still there.
  const row = c.stmt(SELECT).get(tenant_id, action, key) as IdempotencyRow
  return row.state === 'completed'
    ? { kind: 'completed', fingerprint: row.fingerprint, outcome: row.outcome ?? '' }
    : { kind: 'in_flight', fingerprint: row.fingerprint }
}

/** The completion's statement (normalised times); true when `owner` still held the key. */
export function completeInTransaction(
  c: SqliteConnection,
  scope: IdempotencyScope,
  owner: string,
  outcome: string,
  expires_at: string,
): boolean {
  return (
    c.stmt(COMPLETE).run(outcome, expires_at, scope.tenant_id, scope.action, scope.key, owner).changes === 1
  )
}

function claim(c: SqliteConnection, request: IdempotencyClaimRequest): ClaimResult {
  const now = isoTime(request.now, 'now')
  const lease_until = isoTime(request.lease_until, 'lease_until')
  return c.write('idempotency.claim', () => claimInTransaction(c, { ...request, now, lease_until }))
}

/** The idempotency store over a SQLite connection. */
export function sqliteIdempotency(c: SqliteConnection): IdempotencyStore {
  const changes = (operation: string, sql: string, params: unknown[]): number =>
    c.read(operation, () => c.stmt(sql).run(...params).changes)
  return {
    claim: async (request) => claim(c, request),
    async complete(scope, owner, outcome, expires_at) {
      if (typeof outcome !== 'string') throw badRequest('idempotency outcome must be serialised JSON text')
      const expires = isoTime(expires_at, 'expires_at')
      const params = [outcome, expires, scope.tenant_id, scope.action, scope.key, owner]
      return changes('idempotency.complete', COMPLETE, params) === 1
    },
    async extend(scope, owner, lease_until) {
      const lease = isoTime(lease_until, 'lease_until')
      return (
        changes('idempotency.extend', EXTEND, [lease, scope.tenant_id, scope.action, scope.key, owner]) === 1
      )
    },
    async release(scope, owner) {
      changes('idempotency.release', RELEASE, [scope.tenant_id, scope.action, scope.key, owner])
    },
    async get(scope) {
      const row = c.read('idempotency.get', () =>
        c.stmt(SELECT).get(scope.tenant_id, scope.action, scope.key),
      ) as IdempotencyRow | undefined
      return row ? { fingerprint: row.fingerprint, state: row.state, outcome: row.outcome } : null
    },
    async purge(now, abandoned_before) {
      const purged = changes('idempotency.purge', PURGE, [isoTime(now, 'now')])
      if (abandoned_before === undefined) return purged
      const abandoned = isoTime(abandoned_before, 'abandoned_before')
      return purged + changes('idempotency.purge', PURGE_ABANDONED, [abandoned])
    },
  }
}
