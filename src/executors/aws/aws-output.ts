import type { ExecutionResult } from '../executor.js'
import type { AwsActionSpec } from './aws-actions.js'

const MAX_PAYLOAD_CHARS = 65_536
const MAX_DEPTH = 12

/** Dates as ISO text, bytes dropped (only Lambda returns bytes, handled apart): output fit for an audit event. */
function jsonSafe(value: unknown, depth = 0): unknown {
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`
  if (depth >= MAX_DEPTH) return '<nested too deep>'
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v, depth + 1)]))
  }
  return value
}

function payloadText(payload: unknown): string | null {
  if (!(payload instanceof Uint8Array)) return null
  const text = new TextDecoder().decode(payload)
  return text.length > MAX_PAYLOAD_CHARS ? `${text.slice(0, MAX_PAYLOAD_CHARS)}… (truncated)` : text
}

/** Turns an API output into the run's result; a Lambda function error is a failed run. */
export function describeOutput(spec: AwsActionSpec, output: Record<string, unknown>): ExecutionResult {
  if (spec.service !== 'lambda' || spec.operation !== 'Invoke') return { ok: true, output: jsonSafe(output) }
  const result = {
    status_code: output.StatusCode ?? null,
    function_error: output.FunctionError ?? null,
    executed_version: output.ExecutedVersion ?? null,
    payload: payloadText(output.Payload),
  }
  if (typeof output.FunctionError === 'string' && output.FunctionError !== '') {
    const excerpt = (result.payload ?? '').slice(0, 500)
    return {
      ok: false,
      error: `Lambda.Invoke: the function returned an error (${output.FunctionError}): ${excerpt}`,
      output: result,
    }
  }
  return { ok: true, output: result }
}
