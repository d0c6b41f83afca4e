/**
 * Codex CLI's `PreToolUse` hook. Codex acts on `permissionDecision: 'deny'`
 * only and has no "ask", so a call Airlock holds for approval is denied with
 * the reason (fail closed); an allowed call gets an empty answer.
 *
 * @module
 */
import {
  expectEvent,
  type HookDialect,
  jsonAnswer,
  optionalString,
  payloadObject,
  stringField,
  toolInputs,
} from './hook-dialect.js'

const NAME = 'codex'

/** Codex: `{ hook_event_name: 'PreToolUse', tool_name, tool_input, tool_use_id, session_id, turn_id, cwd, model }`. */
export const codex: HookDialect = {
  name: NAME,
  parse(payload) {
    const body = payloadObject(NAME, payload)
    expectEvent(NAME, body, ['PreToolUse'])
    return {
      tool: stringField(NAME, body, 'tool_name'),
      inputs: toolInputs(NAME, body.tool_input),
      call_id: optionalString(body, 'tool_use_id'),
    }
  },
  answer(verdict) {
    if (verdict.decision === 'allow') return jsonAnswer({})
    const reason =
      verdict.decision === 'require_approval'
        ? `Needs human approval, which Codex hooks cannot ask for: ${verdict.reason}`
        : verdict.reason
    return jsonAnswer({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: reason,
      },
    })
  },
}
