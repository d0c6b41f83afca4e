/**
 * Decides hook calls with a running Airlock gateway (`POST /check`), which
 * evaluates and audits them centrally.
 *
 * @module
 */
import type { HookEvaluator } from './run-hook.js'

const DECISIONS = new Set(['allow', 'deny', 'require_approval'])

/** An evaluator that asks the gateway at `baseUrl`, authenticated with `apiKey` when given. */
export function remoteHookEvaluator(baseUrl: string, apiKey: string | undefined): HookEvaluator {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    evaluate: async (action, call, signal) => {
      const response = await fetch(`${base}/check`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        },
        body: JSON.stringify({ action, inputs: call.inputs }),
        signal,
      })
      const text = await response.text()
      if (!response.ok)
        throw new Error(`${base}/check answered HTTP ${response.status}: ${text.slice(0, 300)}`)
      const body = JSON.parse(text) as { decision?: unknown; reason?: unknown; rule?: unknown }
      if (typeof body.decision !== 'string' || !DECISIONS.has(body.decision)) {
        throw new Error(`${base}/check answered without a decision`)
      }
      const reason = typeof body.reason === 'string' ? body.reason : 'no reason given'
      const rule = typeof body.rule === 'string' ? ` [rule ${body.rule}]` : ''
      return { decision: body.decision as 'allow' | 'deny' | 'require_approval', reason: `${reason}${rule}` }
    },
    close: async () => undefined,
  }
}
