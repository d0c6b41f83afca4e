/**
 * How CLI commands talk to a running gateway (`--url` or `AIRLOCK_URL`,
 * with `AIRLOCK_API_KEY`): one JSON request, its answer as the gateway's
 * wire shape, and errors sorted into refusals (exit 1), usage errors
 * (exit 2) and gateway trouble (exit 5).
 *
 * @module
 */
import { UsageError } from './usage-error.js'

export type Wire = Record<string, unknown>

/** A refusal from the store or the gateway: printed, exit 1. */
export class RefusedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

/** The gateway failed or could not be reached: printed, exit 5. */
export class GatewayError extends Error {}

/** Which non-2xx answers are results rather than errors (an outcome that failed or was denied). */
export type IsResult = (status: number, wire: Wire) => boolean

/** For calls whose every non-2xx answer is an error (admin commands). */
export const NO_RESULTS: IsResult = () => false

/** A client of the gateway at `baseUrl`. */
export function gatewayClient(baseUrl: string, apiKey: string | undefined, isResult: IsResult) {
  const base = baseUrl.replace(/\/+$/, '')
  return async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Wire> => {
    let response: Response
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      })
    } catch (error) {
      throw new GatewayError(
        `cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const text = await response.text()
    let json: unknown
    try {
      json = text === '' ? {} : JSON.parse(text)
    } catch {
      throw new GatewayError(`${method} ${path}: HTTP ${response.status}, not JSON`)
    }
    const wire = (typeof json === 'object' && json !== null ? json : {}) as Wire
    if (response.ok || isResult(response.status, wire)) return wire
    const code = typeof wire.code === 'string' ? wire.code : `HTTP_${response.status}`
    const detail = typeof wire.detail === 'string' ? wire.detail : `HTTP ${response.status}`
    if (response.status === 400 || response.status === 422) throw new UsageError(`${detail} (${code})`)
    if (response.status >= 500) throw new GatewayError(`${detail} (${code})`)
    throw new RefusedError(detail, code)
  }
}
