/**
 * The PostgreSQL {@link Store}: shared state for any number of gateway
 * replicas.
 *
 * @remarks One module per capability, each stating its concurrency contract:
 * `postgres-approvals.ts`, `postgres-idempotency.ts`, `postgres-audit.ts`,
 * `postgres-nonces.ts`, `postgres-migrate.ts`, over one pool
 * (`postgres-connection.ts`). Single transitions are single statements;
 * votes lock the approval row, and migrations hold a transaction-scoped
 * advisory lock. Batches of writes and audit appends are one call of the
 * `airlock_write_batch_linked` function, which links the events on the
 * one-row chain head inside the database (`postgres-batch.ts`). Approval
 * changes, freezes and policy reloads are announced over `LISTEN`/`NOTIFY`
 * (`postgres-change-feed.ts`), so a waiter on one replica hears a decision
 * taken on another at once, and a freeze holds everywhere at once.
 *
 * @module
 */

import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { announcingApprovals } from '../internal/announcing-approvals.js'
import { announcingFreezes, announcingPolicyHead } from '../internal/announcing-freezes.js'
import type { Store } from '../store.js'
import { postgresApprovals } from './postgres-approvals.js'
import { postgresAudit } from './postgres-audit.js'
import { type HeadHint, type PostgresBatchMode, postgresAppend, postgresBatch } from './postgres-batch.js'
import { postgresChangeFeed } from './postgres-change-feed.js'
import { makePool, type PostgresConnection, postgresConnection, quoteSchema } from './postgres-connection.js'
import { runExclusive } from './postgres-exclusive.js'
import { postgresFreezes } from './postgres-freezes.js'
import { postgresIdempotency } from './postgres-idempotency.js'
import { postgresMerkle } from './postgres-merkle.js'
import { migratePostgres } from './postgres-migrate.js'
import { postgresNonces } from './postgres-nonces.js'
import { postgresPolicyHead } from './postgres-policy-head.js'
import { postgresShipperCursors } from './postgres-shipper-cursors.js'
import type { PostgresPool, PostgresStoreConfig } from './postgres-store-config.js'

/**
 * Creates a store over a PostgreSQL pool. With `connectionString` the store
 * makes (and on `close()` ends) its own pool, loading `pg` only then.
 *
 * @remarks A gateway over the store keeps one pooled connection listening
 * for announcements until it is closed: close the gateway (or the store)
 * before ending a pool you own, or `pool.end()` waits for that connection.
 *
 * @example
 * ```ts
 * const store = postgresStore({ pool: new pg.Pool({ connectionString }) })
 * await store.migrate()
 * ```
 */
export function postgresStore(config: PostgresStoreConfig): Store {
  const schemaName = config.schema ?? 'public'
  quoteSchema(schemaName) // before a pool exists: a bad schema must not leave one open
  const mode = batchMode(config.batch)
  const hint: HeadHint = { head: null }
  if (
    'connectionString' in config &&
    config.max !== undefined &&
    !(Number.isInteger(config.max) && config.max >= 2)
  ) {
    // A gateway keeps one connection listening for announcements; with one in all, no query would ever run.
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `postgresStore: max must be an integer of at least 2 (one connection listens for announcements), got ${String(config.max)}`,
    )
  }
  const owned = 'connectionString' in config
  const pool = 'pool' in config ? config.pool : makePool(config.connectionString, config.max)
  const c = postgresConnection(pool, schemaName)
  const changes = postgresChangeFeed(c)
  return {
    kind: 'postgres',
    approvals: announcingApprovals(postgresApprovals(c), changes),
    changes,
    idempotency: postgresIdempotency(c),
    nonces: postgresNonces(c),
    freezes: announcingFreezes(postgresFreezes(c), changes),
    policy_head: announcingPolicyHead(postgresPolicyHead(c), changes),
    audit: postgresAudit(c, (inputs) => postgresAppend(c, hint, mode, inputs)),
    merkle: postgresMerkle(c),
    shipping: postgresShipperCursors(c),
    batch: (ops) => postgresBatch(c, hint, mode, ops),
    migrate: async () => ({ applied: await migratePostgres(c) }),
    health: c.health,
    exclusive: (name, fn) => runExclusive(c, name, fn),
    ping: () => c.probe(),
    async close() {
      try {
        await changes.close()
        if (owned) await endPool(c, pool)
      } finally {
        // Last: an idle connection dying while the pool ends must still find a listener.
        c.release()
      }
    },
  }
}

function batchMode(mode: unknown): PostgresBatchMode {
  if (mode === undefined) return 'function'
  if (mode === 'function' || mode === 'transaction') return mode
  throw new AirlockError(
    ErrorCode.CONFIG_INVALID,
    `postgresStore: batch must be 'function' or 'transaction', got ${JSON.stringify(mode)}`,
  )
}

/** Ends a pool the store made, reporting a failure as the store's. */
async function endPool(c: PostgresConnection, pool: PostgresPool): Promise<void> {
  try {
    await pool.end()
  } catch (error) {
    throw c.fail('close', error)
  }
}
