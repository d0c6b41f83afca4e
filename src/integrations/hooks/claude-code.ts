/**
 * Claude Code's `PreToolUse` hook: `hookSpecificOutput.permissionDecision`
 * allow / deny / ask, with the reason.
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

const NAME = 'claude-code'

const PERMISSION = { allow: 'allow', deny: 'deny', require_approval: 'ask' } as const

/** Claude Code: `{ hook_event_name: 'PreToolUse', tool_name, tool_input, tool_use_id, session_id, cwd, ... }`. */
export const claudeCode: HookDialect = {
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
    return jsonAnswer({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: PERMISSION[verdict.decision],
        permissionDecisionReason: verdict.reason,
      },
    })
  },
}
