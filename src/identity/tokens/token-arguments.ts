import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

/** A caller passed an argument that cannot go into a token. */
export function badRequest(message: string): AirlockError {
  return new AirlockError(ErrorCode.BAD_REQUEST, message)
}

/** A non-empty name of bounded length. */
export function requireName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > 256) {
    throw badRequest(`${field} must be a non-empty string of at most 256 characters`)
  }
  return value
}

/** A list of names, without duplicates. */
export function requireNames(field: string, values: unknown): string[] {
  if (!Array.isArray(values)) throw badRequest(`${field} must be an array of strings`)
  return [...new Set(values.map((v, i) => requireName(`${field}[${i}]`, v)))]
}

/** A whole number of at least `min`. */
export function requireWhole(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw badRequest(`${field} must be a whole number ≥ ${min}`)
  }
  return value
}
