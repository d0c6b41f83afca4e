import { describe, expect, it } from 'vitest'
import { createAirlock } from '../../airlock.js'
import { policyTemplate } from '../../policy/index.js'
import { claudeCode, cursor, geminiCli, type HookEvaluator, hookActionName, runHook } from './index.js'

/** An evaluator over a real pipeline with the safe_coding template, remembering what it was asked. */
function safeCoding(seen: { action: string; inputs: unknown }[] = []): () => Promise<HookEvaluator> {
  const airlock = createAirlock({
    policies: policyTemplate('safe_coding'),
    default_decision: 'allow',
    unknown_actions: 'evaluate',
  })
  return async () => ({
    evaluate: async (action, call) => {
      seen.push({ action, inputs: call.inputs })
      const d = await airlock.check(action, call.inputs, { caller: 'dev' })
      return { decision: d.decision, reason: d.reason }
    },
    close: async () => undefined,
  })
}

describe('hookActionName', () => {
  it('turns agent tool names into action names', () => {
    expect(hookActionName('Bash')).toBe('bash')
    expect(hookActionName('MultiEdit')).toBe('multi_edit')
    expect(hookActionName('run_shell_command')).toBe('run_shell_command')
    expect(hookActionName('mcp__github__create_issue')).toBe('mcp__github__create_issue')
    expect(hookActionName('42 things')).toBe('tool_42_things')
  })
})

describe('runHook', () => {
  it("reads Cursor's MCP arguments given as JSON text", async () => {
    const seen: { action: string; inputs: unknown }[] = []
    const stdin = JSON.stringify({
      hook_event_name: 'beforeMCPExecution',
      tool_name: 'writeFile',
      tool_input: '{"path":"/etc/passwd","content":"x"}',
    })
    const result = await runHook(cursor, stdin, { evaluator: safeCoding(seen), timeout_ms: 5000 })
    expect(seen).toEqual([{ action: 'write_file', inputs: { path: '/etc/passwd', content: 'x' } }])
    expect(JSON.parse(result.stdout)).toMatchObject({ permission: 'deny' })
    expect(result.exit_code).toBe(0)
  })

  it('denies arguments that are neither an object nor JSON text of one', async () => {
    const stdin = JSON.stringify({ hook_event_name: 'BeforeTool', tool_name: 'x', tool_input: '[1' })
    const result = await runHook(geminiCli, stdin, { evaluator: safeCoding(), timeout_ms: 5000 })
    expect(result).toMatchObject({ exit_code: 2, failed_closed: true })
    expect(result.stderr).toMatch(/'tool_input' is a string but not JSON/)
  })

  it('denies when the evaluator throws, or cannot be opened', async () => {
    const stdin = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: {} })
    const throwing = async (): Promise<HookEvaluator> => ({
      evaluate: async () => {
        throw new Error('policy engine exploded')
      },
      close: async () => undefined,
    })
    const crashed = await runHook(claudeCode, stdin, { evaluator: throwing, timeout_ms: 5000 })
    expect(JSON.parse(crashed.stdout).hookSpecificOutput.permissionDecision).toBe('deny')
    expect(crashed.stderr).toMatch(/policy engine exploded/)
    const unopened = await runHook(claudeCode, stdin, {
      evaluator: () => Promise.reject(new Error('store locked')),
      timeout_ms: 5000,
    })
    expect(unopened).toMatchObject({ exit_code: 2, failed_closed: true })
  })

  it('denies when no decision comes in time, and aborts the evaluation', async () => {
    const stdin = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: {} })
    let aborted = false
    const hanging = async (): Promise<HookEvaluator> => ({
      evaluate: (_action, _call, signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            aborted = true
          })
        }),
      close: async () => undefined,
    })
    const result = await runHook(claudeCode, stdin, { evaluator: hanging, timeout_ms: 50 })
    expect(result.stderr).toMatch(/no decision within 50 ms/)
    expect(result.exit_code).toBe(2)
    expect(aborted).toBe(true)
  })
})
