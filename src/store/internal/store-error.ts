import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

/** A request to the store that can never succeed as given (bad limit, cursor, time). */
export function badRequest(message: string): AirlockError {
  return new AirlockError(ErrorCode.BAD_REQUEST, message)
}

/**
 * Wraps a driver failure in a STORE_ERROR, keeping the driver error as the
 * cause. Airlock errors pass through untouched so their codes survive.
 */
export function storeError(backend: string, operation: string, error: unknown): AirlockError {
  if (AirlockError.isInstance(error)) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new AirlockError(ErrorCode.STORE_ERROR, `${backend} store: ${operation} failed: ${detail}`, {
    cause: error,
  })
}
