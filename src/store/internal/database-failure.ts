/**
 * Failures of the database itself, told apart from failures one of the ops
 * sent to it caused.
 *
 * @remarks The group-commit writer retries a failed batch unit by unit, so
 * that one bad op cannot sink the others. When the database is busy past its
 * timeout, full, read-only or failing its I/O, every unit would fail again,
 * each after the same wait: a batch of 500 waiting out a 10-second busy
 * timeout each would hold its callers (and, with a synchronous driver, the
 * event loop) for over an hour. Such a batch fails whole instead.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'

// SQLite result codes as better-sqlite3 reports them (extended codes too):
// busy or locked past busy_timeout, disk full, I/O error, read-only, cannot
// open, corrupt, not a database, out of memory, lock protocol, permission.
const SQLITE =
  /^SQLITE_(?:BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|NOMEM|PROTOCOL|PERM)(?:_|$)/
// PostgreSQL SQLSTATE classes 08 (connection), 53 (insufficient resources),
// 57 (operator intervention: shutdown, cancelled statement), 58 (system and
// I/O errors); 25006 read-only transaction; 55P03 lock not available.
const POSTGRES = /^(?:08|53|57|58)[0-9A-Z]{3}$|^25006$|^55P03$/

/** How deep to look through `cause`s: stores wrap a driver error once or twice. */
const MAX_CAUSES = 4

/** The driver's error code of `error` or of its nearest cause that has one; Airlock's own codes are skipped. */
export function driverCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth <= MAX_CAUSES && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (!AirlockError.isInstance(current) && typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Whether `error` is the database failing, whatever the ops were (see the module's remarks). */
export function databaseFailure(error: unknown): boolean {
  const code = driverCode(error)
  return code !== undefined && (SQLITE.test(code) || POSTGRES.test(code))
}
