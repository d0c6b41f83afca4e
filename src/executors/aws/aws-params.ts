import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

type Params = Readonly<Record<string, unknown>>

function invalid(name: string, expected: string): AirlockError {
  return new AirlockError(ErrorCode.INPUT_INVALID, `parameter '${name}': expected ${expected}`, {
    details: { issues: [{ path: [name], code: 'invalid_type', message: `expected ${expected}` }] },
  })
}

/** A required string parameter. The schema has already run; this guards hand-made requests. */
export function str(params: Params, name: string): string {
  const value = params[name]
  if (typeof value !== 'string' || value === '') throw invalid(name, 'a non-empty string')
  return value
}

export function optionalStr(params: Params, name: string): string | undefined {
  return params[name] === undefined || params[name] === null ? undefined : str(params, name)
}

export function optionalInt(params: Params, name: string): number | undefined {
  const value = params[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(name, 'an integer')
  return value
}

export function int(params: Params, name: string): number {
  const value = optionalInt(params, name)
  if (value === undefined) throw invalid(name, 'an integer')
  return value
}

export function optionalBool(params: Params, name: string): boolean | undefined {
  const value = params[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(name, 'true or false')
  return value
}

/** Parses a JSON-text parameter; `check` says what shape it must have. */
export function jsonParam<T>(
  params: Params,
  name: string,
  check: (value: unknown) => value is T,
  shape: string,
): T {
  const text = str(params, name)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw invalid(name, `${shape} as JSON text (it does not parse)`)
  }
  if (!check(value)) throw invalid(name, shape)
  return value
}

export function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  )
}

export function isPolicyDocument(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const statement = (value as Record<string, unknown>).Statement
  return Array.isArray(statement) || (typeof statement === 'object' && statement !== null)
}

// Region becomes part of the AWS hostname: anything but a plain region name could steer signed requests elsewhere.
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/

/** The region from the parameters, else the configured one. */
export function regionOf(params: Params, fallback: string | undefined): string {
  const value = params.region ?? fallback
  if (value === undefined) {
    throw new AirlockError(
      ErrorCode.INPUT_INVALID,
      "no AWS region: pass the 'region' parameter or configure the aws executor with a region",
    )
  }
  if (typeof value !== 'string' || !REGION.test(value))
    throw invalid('region', 'an AWS region name like us-east-1')
  return value
}
