/**
 * Cursor's before-execution hooks: `beforeShellExecution`,
 * `beforeMCPExecution` and `preToolUse`, answered with `permission`
 * allow / deny / ask and messages for the user and the agent.
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

const NAME = 'cursor'

const PERMISSION = { allow: 'allow', deny: 'deny', require_approval: 'ask' } as const

/**
 * Cursor: shell calls become the tool `shell` with `{ command, cwd }`; MCP
 * and other tool calls keep their `tool_name` and `tool_input` (a JSON text
 * or an object).
 */
export const cursor: HookDialect = {
  name: NAME,
  parse(payload) {
    const body = payloadObject(NAME, payload)
    const event = expectEvent(NAME, body, ['beforeShellExecution', 'beforeMCPExecution', 'preToolUse'])
    const call_id = optionalString(body, 'tool_use_id') ?? optionalString(body, 'generation_id')
    if (event === 'beforeShellExecution') {
      const command = stringField(NAME, body, 'command')
      const cwd = optionalString(body, 'cwd')
      return { tool: 'shell', inputs: cwd === null ? { command } : { command, cwd }, call_id }
    }
    const tool = stringField(NAME, body, 'tool_name')
    return { tool, inputs: toolInputs(NAME, body.tool_input), call_id }
  },
  answer(verdict) {
    return jsonAnswer({
      permission: PERMISSION[verdict.decision],
      user_message: `Airlock: ${verdict.reason}`,
      agent_message: verdict.reason,
    })
  },
}
