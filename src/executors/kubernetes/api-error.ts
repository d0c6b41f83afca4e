/**
 * Turns an error from `@kubernetes/client-node` into a one-line reason that
 * names the HTTP status and the API server's own message.
 *
 * @module
 */
import { statusOf } from './kube-action.js'

function serverMessage(body: unknown): string | undefined {
  let parsed = body
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body)
    } catch {
      return body.trim() === '' ? undefined : body.slice(0, 500)
    }
  }
  const status = parsed as { message?: unknown; reason?: unknown } | null
  if (typeof status?.message === 'string') {
    return typeof status.reason === 'string' ? `${status.reason}: ${status.message}` : status.message
  }
  return undefined
}

/** `undefined` when `error` is not an answer from the API server. */
export function describeApiError(error: unknown): string | undefined {
  const status = statusOf(error)
  if (status === undefined || !(error instanceof Error)) return undefined
  const message = serverMessage((error as { body?: unknown }).body)
  return `Kubernetes API error ${status}${message === undefined ? '' : ` (${message})`}`
}
