/**
 * Gemini CLI's `BeforeTool` hook: `decision` allow / deny / ask with the
 * reason (a denied call's reason is sent to the model as the tool's error).
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

const NAME = 'gemini-cli'

const DECISION = { allow: 'allow', deny: 'deny', require_approval: 'ask' } as const

/** Gemini CLI: `{ hook_event_name: 'BeforeTool', tool_name, tool_input, session_id, cwd, timestamp, mcp_context? }`. */
export const geminiCli: HookDialect = {
  name: NAME,
  parse(payload) {
    const body = payloadObject(NAME, payload)
    expectEvent(NAME, body, ['BeforeTool'])
    return {
      tool: stringField(NAME, body, 'tool_name'),
      inputs: toolInputs(NAME, body.tool_input),
      call_id: optionalString(body, 'session_id'),
    }
  },
  answer(verdict) {
    return jsonAnswer({ decision: DECISION[verdict.decision], reason: verdict.reason })
  },
}
