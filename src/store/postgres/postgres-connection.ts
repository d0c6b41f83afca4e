/**
 * The PostgreSQL connection every capability module shares: the pool (made
 * here only when the store owns it), the quoted schema, and three ways to run
 * SQL — `query` (rows), `count` (affected rows) and `transaction` (one pooled
 * connection between `BEGIN` and `COMMIT`). Driver errors become STORE_ERROR.
 *
 * @module
 */
import { createRequire } from 'node:module'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { storeError } from '../internal/store-error.js'
import type { PostgresPool, PostgresPoolClient } from './postgres-store-config.js'

/** What the capability modules run their SQL through. */
export interface PostgresConnection {
  readonly pool: PostgresPool
  /** The schema as written in configuration. */
  readonly schemaName: string
  /** The schema quoted for SQL (`"public"`); table names are `${s}.airlock_…`. */
  readonly s: string
  query<R>(operation: string, text: string, values?: unknown[]): Promise<R[]>
  count(operation: string, text: string, values: unknown[]): Promise<number>
  transaction<T>(operation: string, fn: (client: PostgresPoolClient) => Promise<T>): Promise<T>
  fail(operation: string, error: unknown): AirlockError
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** `schema` quoted for SQL, after checking it is a plain identifier. */
export function quoteSchema(schema: string): string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `postgresStore: schema must be a plain identifier (letters, digits, _; at most 63), got ${JSON.stringify(schema)}`,
    )
  }
  return `"${schema}"`
}

/** A pool of its own; `pg` is loaded here, so importing the package never requires the driver. */
export function makePool(connectionString: string, max: number | undefined): PostgresPool {
  let Pool: new (config: { connectionString: string; max?: number }) => PostgresPool
  try {
    Pool = (createRequire(import.meta.url)('pg') as { Pool: typeof Pool }).Pool
  } catch (error) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'postgresStore({ connectionString }) needs the pg package: npm install pg',
      { cause: error },
    )
  }
  return new Pool(max === undefined ? { connectionString } : { connectionString, max })
}

/** The SQLSTATE of a driver error (`23505` unique violation, `42P01` undefined table). */
export function sqlState(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code
}

function fail(operation: string, error: unknown): AirlockError {
  const wrapped = storeError('postgres', operation, error)
  if (sqlState(error) === '42P01') {
    return new AirlockError(ErrorCode.STORE_ERROR, `${wrapped.message} (run store.migrate() first)`, {
      cause: error,
    })
  }
  return wrapped
}

async function runTransaction<T>(
  pool: PostgresPool,
  operation: string,
  fn: (client: PostgresPoolClient) => Promise<T>,
): Promise<T> {
  let client: PostgresPoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    throw fail(operation, error)
  }
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    client.release()
    return result
  } catch (error) {
    try {
      await client.query('ROLLBACK')
      client.release()
    } catch (rollbackError) {
      // A connection that cannot roll back must not go back to the pool.
      client.release(rollbackError instanceof Error ? rollbackError : true)
    }
    throw fail(operation, error)
  }
}

/** Wraps a pool and a schema for the capability modules. */
export function postgresConnection(pool: PostgresPool, schemaName: string): PostgresConnection {
  const s = quoteSchema(schemaName)
  return {
    pool,
    schemaName,
    s,
    async query<R>(operation: string, text: string, values: unknown[] = []): Promise<R[]> {
      try {
        return (await pool.query<R>(text, values)).rows
      } catch (error) {
        throw fail(operation, error)
      }
    },
    async count(operation, text, values) {
      try {
        return (await pool.query(text, values)).rowCount ?? 0
      } catch (error) {
        throw fail(operation, error)
      }
    },
    transaction: (operation, fn) => runTransaction(pool, operation, fn),
    fail,
  }
}
