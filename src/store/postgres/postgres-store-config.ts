/** A query result, as `pg` returns it. */
export interface PostgresQueryResult<R> {
  readonly rows: R[]
  readonly rowCount: number | null
}

/** A connection checked out of the pool (`pg`'s `PoolClient`). */
export interface PostgresPoolClient {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PostgresQueryResult<R>>
  release(destroy?: boolean | Error): void
  /**
   * `pg` emits `error` on a checked-out client whose connection dies between
   * queries, `notification` for each `NOTIFY` on a channel this connection
   * `LISTEN`s to, and `end` when the connection closes.
   */
  on?(event: 'error', listener: (error: Error) => void): unknown
  on?(event: 'notification', listener: (message: PostgresNotification) => void): unknown
  on?(event: 'end', listener: () => void): unknown
  off?(event: 'error', listener: (error: Error) => void): unknown
  off?(event: 'notification', listener: (message: PostgresNotification) => void): unknown
  off?(event: 'end', listener: () => void): unknown
}

/** A `NOTIFY` as `pg` delivers it. */
export interface PostgresNotification {
  readonly channel: string
  readonly payload?: string | undefined
}

/**
 * The slice of `pg`'s `Pool` the PostgreSQL store uses. Declared here rather
 * than imported so the package never needs `pg`'s types.
 */
export interface PostgresPool {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PostgresQueryResult<R>>
  connect(): Promise<PostgresPoolClient>
  end(): Promise<void>
  /**
   * `pg` emits `error` when an idle pooled connection dies (a restart, a
   * failover, an idle-connection kill); without a listener Node ends the
   * process. The store listens when the pool has this method, and stops
   * (with `off`) when it is closed.
   */
  on?(event: 'error', listener: (error: Error) => void): unknown
  off?(event: 'error', listener: (error: Error) => void): unknown
}

interface PostgresStoreOptions {
  /**
   * Schema that holds Airlock's tables (created by `migrate()` if missing).
   * Default `public`.
   */
  readonly schema?: string
  /**
   * How `Store.batch` (the group-commit writer's batches) reaches the
   * database: `function` (default) makes one call of the
   * `airlock_write_batch_linked` function per batch, one round trip; `transaction`
   * sends one statement per write inside a transaction that locks the chain
   * head, several round trips, as before migration 12. Both keep the same
   * guarantees; `transaction` is there for comparison and for a database
   * where the function cannot be created.
   */
  readonly batch?: 'function' | 'transaction'
}

/**
 * Configuration of {@link postgresStore}: a pool you own, or a connection
 * string from which the store makes (and ends) its own pool.
 */
export type PostgresStoreConfig =
  | (PostgresStoreOptions & { readonly pool: PostgresPool })
  | (PostgresStoreOptions & {
      readonly connectionString: string
      /** Connections in the store's own pool; default 8 (see `docs/deployment.md`). */
      readonly max?: number
    })
