/**
 * `runHook()`: one pre-tool-use hook invocation, failing closed.
 *
 * @module
 */
import type { HookAnswer, HookDialect, HookToolCall, HookVerdict } from './hook-dialect.js'

/** Decides a tool call: the local pipeline, or a remote gateway. */
export interface HookEvaluator {
  evaluate(action: string, call: HookToolCall, signal: AbortSignal): Promise<HookVerdict>
  close(): Promise<void>
}

/** Options of {@link runHook}. */
export interface RunHookOptions {
  /** Opens the evaluator; failing to open it denies the call like any other error. */
  readonly evaluator: () => Promise<HookEvaluator>
  /** Budget for the whole evaluation; past it the call is denied. */
  readonly timeout_ms: number
}

/** What the hook prints, on which stream, and its exit code. */
export interface HookResult extends HookAnswer {
  readonly stderr: string
  /** True when the call was denied because Airlock could not decide (error or timeout). */
  readonly failed_closed: boolean
}

const ACTION_MAX = 128

/**
 * The action a tool runs as: `Bash` → `bash`, `runShellCommand` →
 * `run_shell_command`, MCP names kept (`mcp__github__create_issue`).
 */
export function hookActionName(tool: string): string {
  const snake = tool
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .toLowerCase()
  const name = /^[a-z]/.test(snake) ? snake : `tool_${snake}`
  return name.slice(0, ACTION_MAX)
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function decide(
  dialect: HookDialect,
  stdin: string,
  options: RunHookOptions,
  signal: AbortSignal,
): Promise<HookVerdict> {
  let payload: unknown
  try {
    payload = JSON.parse(stdin)
  } catch (error) {
    throw new Error(`${dialect.name} hook payload is not JSON: ${errorText(error)}`)
  }
  const call = dialect.parse(payload)
  const evaluator = await options.evaluator()
  try {
    return await evaluator.evaluate(hookActionName(call.tool), call, signal)
  } finally {
    await evaluator.close()
  }
}

/**
 * Reads one payload, decides it, and answers in the agent's format.
 *
 * @remarks Fails closed: a payload that cannot be read, an evaluator that
 * cannot be opened or throws, or an evaluation past `timeout_ms` all deny
 * the call. Those denials also exit with code 2 and give the reason on
 * stderr, which every supported agent reads as "block" even if it could not
 * use the JSON.
 */
export async function runHook(
  dialect: HookDialect,
  stdin: string,
  options: RunHookOptions,
): Promise<HookResult> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new Error(`no decision within ${options.timeout_ms} ms`))
    }, options.timeout_ms)
  })
  try {
    const verdict = await Promise.race([decide(dialect, stdin, options, controller.signal), timeout])
    return { ...dialect.answer(verdict), stderr: '', failed_closed: false }
  } catch (error) {
    const reason = `Airlock could not evaluate this tool call, so it is denied: ${errorText(error)}`
    const answer = dialect.answer({ decision: 'deny', reason })
    return { stdout: answer.stdout, exit_code: 2, stderr: `${reason}\n`, failed_closed: true }
  } finally {
    clearTimeout(timer)
  }
}
