/**
 * How a pipeline outcome reads as an MCP `tools/call` result.
 *
 * @module
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Outcome } from '../outcome.js'

/** `_meta` key under which every result carries the pipeline's facts (status, request, audit event). */
export const AIRLOCK_META_KEY = 'airlock/outcome'

function text(value: string): CallToolResult['content'][number] {
  return { type: 'text', text: value }
}

function meta(outcome: Outcome, extra: Record<string, unknown> = {}): CallToolResult['_meta'] {
  return {
    [AIRLOCK_META_KEY]: {
      status: outcome.status,
      request_id: outcome.request_id,
      audit_id: outcome.audit_id,
      replayed: outcome.replayed,
      ...extra,
    },
  }
}

/** True when `value` already has the shape of a tool result (what a proxied upstream tool returns). */
export function isCallToolResult(value: unknown): value is CallToolResult {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content)
  )
}

/**
 * Maps an outcome to a result.
 *
 * @remarks A denial, a failure and a request still waiting are all
 * `isError: true` with the reason as text, so a model reads why and does not
 * take the call as done. A held request names its approval id and how to
 * resume it. An executed action's value becomes JSON text plus
 * `structuredContent` when it is an object; a proxied tool's own result is
 * returned as the upstream sent it.
 */
export function resultFromOutcome(outcome: Outcome): CallToolResult {
  switch (outcome.status) {
    case 'executed': {
      const value = outcome.result
      if (isCallToolResult(value)) {
        return { ...value, _meta: { ...(value._meta ?? {}), ...meta(outcome) } }
      }
      const structured =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? { structuredContent: value as Record<string, unknown> }
          : {}
      return {
        content: [text(JSON.stringify(value ?? null))],
        ...structured,
        _meta: meta(outcome, { approval_id: outcome.approval_id }),
      }
    }
    case 'denied':
      return {
        isError: true,
        content: [text(`Denied by Airlock (${outcome.code}): ${outcome.reason}`)],
        _meta: meta(outcome, { code: outcome.code, rule: outcome.rule, issues: outcome.issues }),
      }
    case 'pending_approval':
      return {
        isError: true,
        content: [
          text(
            `Held for approval ${outcome.approval_id}: ${outcome.reason}. ` +
              `Nothing ran. An approver can decide it with \`airlock approval approve ${outcome.approval_id}\` ` +
              `or POST /approvals/${outcome.approval_id}/approve; calling this tool again with the same ` +
              `arguments picks up the same approval (it expires at ${outcome.expires_at}).`,
          ),
        ],
        _meta: meta(outcome, { approval_id: outcome.approval_id, expires_at: outcome.expires_at }),
      }
    case 'failed':
      return {
        isError: true,
        content: [text(`Failed: ${outcome.error.message}`)],
        _meta: meta(outcome, { code: outcome.error.code, approval_id: outcome.approval_id }),
      }
  }
}

/** The result for a call Airlock could not decide: never forwarded, never run. */
export function failClosedResult(message: string): CallToolResult {
  return {
    isError: true,
    content: [text(`Airlock could not decide this call, so it was not run: ${message}`)],
    _meta: { [AIRLOCK_META_KEY]: { status: 'error' } },
  }
}
