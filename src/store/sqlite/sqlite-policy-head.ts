/**
 * The announced policy version in SQLite: one row, replaced by each announcement.
 *
 * @module
 */
import type { PolicyHead, PolicyHeadStore } from '../policy-head-store.js'
import type { SqliteConnection } from './sqlite-connection.js'

const COLUMNS = 'hash, version, label, announced_by, announced_at'
const ANNOUNCE = `INSERT INTO airlock_policy_head (id, ${COLUMNS}) VALUES (1, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, version = excluded.version, label = excluded.label,
  announced_by = excluded.announced_by, announced_at = excluded.announced_at`
const HEAD = `SELECT ${COLUMNS} FROM airlock_policy_head WHERE id = 1`

export function sqlitePolicyHead(c: SqliteConnection): PolicyHeadStore {
  return {
    async announce(h) {
      c.read('policy.announce', () =>
        c.stmt(ANNOUNCE).run(h.hash, h.version, h.label, h.announced_by, h.announced_at),
      )
    },
    async head() {
      const row = c.read('policy.head', () => c.stmt(HEAD).get()) as PolicyHead | undefined
      return row ?? null
    },
  }
}
