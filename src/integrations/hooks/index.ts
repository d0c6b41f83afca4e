/**
 * Coding-agent hooks: `airlock hook <dialect>` answers a pre-tool-use hook
 * of Claude Code, Codex CLI, Cursor or Gemini CLI from Airlock's decision.
 *
 * @module
 */
import { claudeCode } from './claude-code.js'
import { codex } from './codex.js'
import { cursor } from './cursor.js'
import { geminiCli } from './gemini-cli.js'
import type { HookDialect } from './hook-dialect.js'

export type { HookAnswer, HookDialect, HookToolCall, HookVerdict } from './hook-dialect.js'
export { HOOK_DIALECT_NAMES } from './hook-dialect-names.js'
export { localHookEvaluator } from './local-evaluator.js'
export { remoteHookEvaluator } from './remote-evaluator.js'
export {
  type HookEvaluator,
  type HookResult,
  hookActionName,
  type RunHookOptions,
  runHook,
} from './run-hook.js'
export { claudeCode, codex, cursor, geminiCli }

/** The supported agents, by the name `airlock hook <dialect>` takes. */
export const HOOK_DIALECTS: Readonly<Record<string, HookDialect>> = {
  'claude-code': claudeCode,
  codex,
  cursor,
  'gemini-cli': geminiCli,
}
