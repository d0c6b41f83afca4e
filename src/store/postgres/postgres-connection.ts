/**
 * The PostgreSQL connection every capability module shares: the pool (made
 * here only when the store owns it), the quoted schema, and three ways to run
 * SQL — `query` (rows), `count` (affected rows) and `transaction` (one pooled
 * connection between `BEGIN` and `COMMIT`). Driver errors become STORE_ERROR;
 * a database that cannot be reached becomes STORE_UNAVAILABLE and opens the
 * store's circuit, so later calls fail fast until one probe gets through.
 *
 * @module
 */
import { createRequire } from 'node:module'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { type DependencyCircuit, dependencyCircuit } from '../../health/dependency-circuit.js'
import { storeError } from '../internal/store-error.js'
import type { PostgresPool, PostgresPoolClient } from './postgres-store-config.js'
import { isUnreachable, unreachableReason } from './postgres-unreachable.js'

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
  /** One pooled connection for `fn`, outside a transaction (session-level locks, LISTEN). */
  session<T>(operation: string, fn: (client: PostgresPoolClient) => Promise<T>): Promise<T>
  fail(operation: string, error: unknown): AirlockError
  /** Whether the database answers; `query` and friends fail fast while it is down. */
  readonly health: DependencyCircuit
  /** `SELECT 1`, past the circuit: how a readiness check notices the database is back. */
  probe(): Promise<void>
  /** Stops listening to the pool: a closed store must leave a caller's pool as it found it. */
  release(): void
}

// A pool waits at most this long for a connection: no request queues unboundedly for a dead database.
const CONNECT_TIMEOUT_MS = 3_000
/**
 * Connections in a pool the store makes itself, unless told otherwise: the top
 * of the 4 to 8 per replica that docs/deployment.md recommends (a bigger pool
 * only moves the queue into PostgreSQL), rather than `pg`'s 10.
 */
export const DEFAULT_POOL_SIZE = 8

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
  let Pool: new (config: {
    connectionString: string
    max?: number
    connectionTimeoutMillis: number
    keepAlive: boolean
  }) => PostgresPool
  try {
    Pool = (createRequire(import.meta.url)('pg') as { Pool: typeof Pool }).Pool
  } catch (error) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'postgresStore({ connectionString }) needs the pg package: npm install pg',
      { cause: error },
    )
  }
  const options = { connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true }
  return new Pool({ ...options, max: max ?? DEFAULT_POOL_SIZE })
}

/** The SQLSTATE of a driver error (`23505` unique violation, `42P01` undefined table). */
export function sqlState(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code
}

function fail(operation: string, error: unknown): AirlockError {
  const wrapped = storeError('postgres', operation, error)
  // 42P01 undefined table, 42883 undefined function: a schema behind this code.
  if (sqlState(error) === '42P01' || sqlState(error) === '42883') {
    return new AirlockError(ErrorCode.STORE_ERROR, `${wrapped.message} (run store.migrate() first)`, {
      cause: error,
    })
  }
  return wrapped
}

function unavailable(operation: string, cause?: unknown): AirlockError {
  return new AirlockError(
    ErrorCode.STORE_UNAVAILABLE,
    `postgres store: ${operation}: the database cannot be reached`,
    cause === undefined ? {} : { cause },
  )
}

// An error the server sent carries its SQLSTATE: five digits or capitals.
const SQLSTATE = /^[0-9A-Z]{5}$/

/** Whether the server sent `error` (it carries an SQLSTATE), rather than the driver raising it on this side. */
export function sentByServer(error: unknown): boolean {
  return SQLSTATE.test(sqlState(error) ?? '')
}

/**
 * Classifies a failure, telling the circuit whether the database answered.
 * Only an error the server sent proves it answered; one raised on this side
 * (a listening connection given up, a bug in a transaction's body) says
 * nothing either way, and closing the circuit on it during an outage would
 * report the same outage twice.
 */
function failAndTrip(circuit: DependencyCircuit, operation: string, error: unknown): AirlockError {
  if (AirlockError.isInstance(error)) return error
  if (isUnreachable(error)) {
    circuit.failed(unreachableReason(error))
    return unavailable(operation, error)
  }
  if (sentByServer(error)) circuit.succeeded()
  return fail(operation, error)
}

const ignore = () => undefined

/** Takes a connection from the pool through the circuit, listening for its death. */
async function checkout(
  pool: PostgresPool,
  circuit: DependencyCircuit,
  operation: string,
): Promise<PostgresPoolClient> {
  if (!circuit.admit()) throw unavailable(operation)
  let client: PostgresPoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    throw failAndTrip(circuit, operation, error)
  }
  // A connection that dies between two statements is reported as an event; the next statement fails.
  client.on?.('error', ignore)
  return client
}

/** Returns a connection; a broken one is destroyed instead of going back to the pool. */
function giveBack(client: PostgresPoolClient, broken: unknown = false): void {
  client.off?.('error', ignore)
  client.release(broken === false ? false : broken instanceof Error ? broken : true)
}

async function runTransaction<T>(
  pool: PostgresPool,
  circuit: DependencyCircuit,
  operation: string,
  fn: (client: PostgresPoolClient) => Promise<T>,
): Promise<T> {
  const client = await checkout(pool, circuit, operation)
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    giveBack(client)
    circuit.succeeded()
    return result
  } catch (error) {
    try {
      await client.query('ROLLBACK')
      giveBack(client)
    } catch (rollbackError) {
      // A connection that cannot roll back must not go back to the pool.
      giveBack(client, rollbackError)
    }
    throw failAndTrip(circuit, operation, error)
  }
}

async function runSession<T>(
  pool: PostgresPool,
  circuit: DependencyCircuit,
  operation: string,
  fn: (client: PostgresPoolClient) => Promise<T>,
): Promise<T> {
  const client = await checkout(pool, circuit, operation)
  let broken: unknown = false
  try {
    return await fn(client)
  } catch (error) {
    // After a failure the session state (locks) is unknown: never reuse the connection.
    broken = error instanceof Error ? error : new Error(String(error))
    throw failAndTrip(circuit, operation, error)
  } finally {
    giveBack(client, broken)
  }
}

/** Wraps a pool and a schema for the capability modules. */
export function postgresConnection(pool: PostgresPool, schemaName: string): PostgresConnection {
  const s = quoteSchema(schemaName)
  const health = dependencyCircuit({ name: 'store' })
  // Idle connections dying is how an outage usually shows first; it must never end the process.
  const onPoolError = (error: Error) => {
    if (isUnreachable(error)) health.failed(unreachableReason(error))
  }
  pool.on?.('error', onPoolError)
  const run = async <R>(operation: string, text: string, values: unknown[]) => {
    if (!health.admit()) throw unavailable(operation)
    try {
      const result = await pool.query<R>(text, values)
      health.succeeded()
      return result
    } catch (error) {
      throw failAndTrip(health, operation, error)
    }
  }
  return {
    pool,
    schemaName,
    s,
    health,
    async query<R>(operation: string, text: string, values: unknown[] = []): Promise<R[]> {
      return (await run<R>(operation, text, values)).rows
    },
    async count(operation, text, values) {
      return (await run(operation, text, values)).rowCount ?? 0
    },
    transaction: (operation, fn) => runTransaction(pool, health, operation, fn),
    session: (operation, fn) => runSession(pool, health, operation, fn),
    fail,
    async probe() {
      try {
        await pool.query('SELECT 1')
        health.succeeded()
      } catch (error) {
        throw failAndTrip(health, 'ping', error)
      }
    },
    release: () => pool.off?.('error', onPoolError),
  }
}
