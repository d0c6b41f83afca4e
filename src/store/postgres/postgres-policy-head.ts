/**
 * The announced policy version in PostgreSQL: one row, replaced by each
 * announcement, read by every replica at the announce interval.
 *
 * @module
 */
import type { PolicyHead, PolicyHeadStore } from '../policy-head-store.js'
import type { PostgresConnection } from './postgres-connection.js'

const COLUMNS = 'hash, version, label, announced_by, announced_at'

export function postgresPolicyHead(c: PostgresConnection): PolicyHeadStore {
  const announce = `INSERT INTO ${c.s}.airlock_policy_head (id, ${COLUMNS}) VALUES (1, $1, $2, $3, $4, $5)
    ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, version = excluded.version, label = excluded.label,
    announced_by = excluded.announced_by, announced_at = excluded.announced_at`
  const head = `SELECT ${COLUMNS} FROM ${c.s}.airlock_policy_head WHERE id = 1`
  return {
    async announce(h) {
      await c.query('policy.announce', announce, [h.hash, h.version, h.label, h.announced_by, h.announced_at])
    },
    async head() {
      const rows = await c.query<PolicyHead>('policy.head', head)
      return rows[0] ?? null
    },
  }
}
