/**
 * `executor: http`: one templated request to a base URL the configuration
 * allows. The webhook channel's address guard applies: the host is resolved
 * once, private, loopback and metadata addresses are refused unless
 * `allow_private` is set, and redirects are never followed.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import { pinnedRequest } from '../../approvals/channels/webhook/pinned-post.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { executionSpecOf, type HttpSpec } from '../execution-spec.js'
import type { ExecutionRequest, ExecutionResult, Executor, PlannedCall, PrecheckResult } from '../executor.js'
import { parseExecutorSettings } from '../executor-settings.js'
import type { ExecutorSettings } from '../registry.js'
import { pickState } from '../state/pick-state.js'
import { renderJson, renderString, type TemplateValues } from '../template.js'

type Call = { method: string; url: string; headers: Record<string, string>; body: unknown }

function specOf(action: ActionDefinition): HttpSpec {
  const spec = executionSpecOf(action.meta)?.http
  if (!spec) {
    throw new AirlockError(
      ErrorCode.EXECUTOR_UNAVAILABLE,
      `Action '${action.name}' has no http block: the http executor needs its request`,
    )
  }
  return spec
}

function buildCall(
  spec: HttpSpec,
  part: { method: string; path: string },
  values: TemplateValues,
  withBody: boolean,
): Call {
  const base = spec.base_url.replace(/\/+$/, '')
  const path = renderString(part.path, values, encodeURIComponent)
  checkNoDotSegment(part.path, path)
  const url = `${base}${path}`
  const headers = Object.fromEntries(
    Object.entries(spec.headers).map(([k, v]) => [k.toLowerCase(), renderString(v, values)]),
  )
  const body = withBody && spec.body !== undefined ? renderJson(spec.body, values) : undefined
  return { method: part.method, url, headers, body }
}

/**
 * Refuses a rendered path with a `.` or `..` segment: a URL resolves them,
 * so a parameter `..` would climb out of the path the action names (to
 * another endpoint under the allowed base). Percent-encoding keeps a `/` in
 * a value inside its segment, but leaves dots alone.
 */
function checkNoDotSegment(template: string, path: string): void {
  const segments = path.split(/[?#]/, 1)[0]!.split('/')
  if (segments.some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) {
    throw new AirlockError(
      ErrorCode.INPUT_INVALID,
      `the request path ${template} would hold a '.' or '..' segment once filled in; a path parameter cannot be '.' or '..'`,
    )
  }
}

function underBase(url: string, allowed: readonly string[]): boolean {
  const target = new URL(url)
  return allowed.some((entry) => {
    const base = new URL(entry)
    const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`
    return (
      base.origin === target.origin &&
      (target.pathname === base.pathname || target.pathname.startsWith(prefix))
    )
  })
}

/** The request an action would send, credentials masked. */
export function planRequest(request: ExecutionRequest): PlannedCall {
  const spec = specOf(request.action)
  const call = buildCall(spec, spec, { params: request.params }, true)
  return { kind: 'http', ...call }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The HTTP executor. */
export function httpExecutor(raw: ExecutorSettings = {}): Executor {
  const settings = parseExecutorSettings('http', raw)

  const send = async (
    request: ExecutionRequest,
    part: { method: string; path: string },
    withBody: boolean,
  ) => {
    const spec = specOf(request.action)
    const call = buildCall(
      spec,
      part,
      { params: request.params, credential: request.credential?.values },
      withBody,
    )
    if (!underBase(call.url, settings.allow)) {
      throw new AirlockError(
        ErrorCode.EXECUTOR_UNAVAILABLE,
        `${new URL(call.url).origin}${new URL(call.url).pathname} is not under an allowed base URL (config executors.http.allow)`,
      )
    }
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    const headers =
      body === undefined ? call.headers : { 'content-type': 'application/json', ...call.headers }
    return pinnedRequest(call.url, body, {
      method: call.method,
      headers,
      allow_private: settings.allow_private,
      timeout_ms: request.timeout_ms,
      signal: request.signal,
    })
  }

  return {
    type: 'http',
    plan: planRequest,
    async prechecks(request) {
      const spec = specOf(request.action)
      const declared = (request.action.meta.prechecks ?? []) as { name: string; advisory?: boolean }[]
      const results: PrecheckResult[] = []
      for (const check of declared) {
        const part = spec.prechecks[check.name]
        const advisory = check.advisory === true
        if (!part) {
          results.push({
            name: check.name,
            passed: false,
            advisory,
            message: 'no request is defined for this precheck',
          })
          continue
        }
        const answer = await send(request, part, false)
        const passed = answer.ok && answer.status >= 200 && answer.status < 300
        const message = answer.ok ? `answered ${answer.status}` : answer.error
        results.push({ name: check.name, passed, advisory, message })
      }
      return results
    },
    async getState(request) {
      const state = specOf(request.action).state
      if (!state) return {}
      const answer = await send(request, state, false)
      if (!answer.ok) throw new Error(`reading state failed: ${answer.error}`)
      if (answer.status < 200 || answer.status > 299)
        throw new Error(`reading state failed: answered ${answer.status}`)
      return pickState(request.action, parseBody(answer.body), state.fields)
    },
    async execute(request): Promise<ExecutionResult> {
      const spec = specOf(request.action)
      const answer = await send(request, spec, true)
      if (!answer.ok) return { ok: false, error: answer.error }
      const output = { status: answer.status, body: parseBody(answer.body) }
      if (answer.status >= 300 && answer.status < 400) {
        return { ok: false, error: `answered ${answer.status}; redirects are not followed`, output }
      }
      if (answer.status >= 400) return { ok: false, error: `answered ${answer.status}`, output }
      return { ok: true, output }
    },
  }
}
