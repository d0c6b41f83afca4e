/**
 * One JSON call to a running gateway for the admin commands (`policy show`,
 * `freeze`, `unfreeze` with `--url`): refusals and failures become the CLI's
 * usage, refusal and gateway errors.
 *
 * @module
 */
import { GatewayError, RefusedError } from './approval-backend.js'

/** The gateway's JSON answer to `method path`; throws on a problem response. */
export async function gatewayRequest(
  baseUrl: string,
  apiKey: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const base = baseUrl.replace(/\/+$/, '')
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
      signal: AbortSignal.timeout(30_000),
    })
  } catch (error) {
    throw new GatewayError(`cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? {} : JSON.parse(text)
  } catch {
    throw new GatewayError(`${method} ${path}: HTTP ${response.status}, not JSON`)
  }
  const wire = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  if (response.ok) return wire
  const code = typeof wire.code === 'string' ? wire.code : `HTTP_${response.status}`
  const detail = typeof wire.detail === 'string' ? wire.detail : `HTTP ${response.status}`
  if (response.status >= 500) throw new GatewayError(`${detail} (${code})`)
  throw new RefusedError(detail, code)
}
