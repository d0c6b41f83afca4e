/**
 * Which driver errors mean "PostgreSQL cannot be reached" rather than "this
 * statement failed": only those open the store's circuit and become
 * STORE_UNAVAILABLE.
 *
 * @module
 */

// SQLSTATE class 08 (connection exception), and the server shutting down,
// crashing, starting up or out of connection slots.
const UNREACHABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300'])
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])
// pg reports a lost or never-made connection with these messages and no code.
const LOST =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Connection ended/i

/** True when `error` says the database could not be reached or the connection was lost. */
export function isUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNREACHABLE_STATES.has(code) || NETWORK_CODES.has(code)) return true
  }
  if (error instanceof AggregateError) return error.errors.some(isUnreachable)
  return error instanceof Error && LOST.test(error.message)
}

/** A one-line reason for the log: the error's code or class, never the client or the connection string. */
export function unreachableReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  if (error instanceof Error) return error.message.slice(0, 120)
  return 'unknown'
}
