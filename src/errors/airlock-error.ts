import type { ErrorCode } from './error-codes.js'

const BRAND = Symbol.for('airlock.error')

/** Options shared by every Airlock error. */
export interface AirlockErrorOptions {
  cause?: unknown
  /** Structured details that reach the caller intact (e.g. validation issues). */
  details?: Record<string, unknown>
}

/**
 * Base class of every error Airlock throws on purpose.
 *
 * @remarks A second copy of the package breaks `instanceof`, so errors carry a
 * brand and callers should prefer {@link AirlockError.isInstance}.
 */
export class AirlockError extends Error {
  readonly [BRAND] = true
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, options: AirlockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AirlockError'
    this.code = code
    this.details = options.details
  }

  static isInstance(value: unknown): value is AirlockError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
  }
}
