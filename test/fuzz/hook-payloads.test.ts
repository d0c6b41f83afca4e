/**
 * Property test over what a coding agent writes on a hook's stdin: any text,
 * for every dialect, ends in an answer and an exit code (allow only when the
 * policy allows the call), never a throw, within a time bound.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HOOK_DIALECTS, type HookEvaluator, runHook } from '../../src/integrations/hooks/index.js'
import { expectQuick, fuzzRuns, nastyString, yamlishValue } from './fuzz-support.js'

const runs = fuzzRuns(40)

const evaluator = async (): Promise<HookEvaluator> => ({
  evaluate: async () => ({ decision: 'deny', reason: 'fuzz' }),
  close: async () => undefined,
})

const payload = fc.oneof(
  nastyString,
  yamlishValue.map((v) => JSON.stringify(v) ?? ''),
  fc
    .record(
      {
        hook_event_name: fc.oneof(
          fc.constantFrom('PreToolUse', 'BeforeTool', 'beforeMCPExecution', 'beforeShellExecution'),
          nastyString,
        ),
        tool_name: fc.oneof(fc.constantFrom('Bash', 'mcp__x__y', ''), nastyString),
        tool_input: yamlishValue,
        command: nastyString,
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
)

describe.each(Object.entries(HOOK_DIALECTS))('the %s hook', (_name, dialect) => {
  it('answers any stdin with an exit code and never lets a denied call through', async () => {
    await fc.assert(
      fc.asyncProperty(payload, async (stdin) => {
        const started = performance.now()
        const result = await runHook(dialect, stdin, { evaluator, timeout_ms: 5000 })
        expect(typeof result.exit_code).toBe('number')
        expect(result.stdout).not.toMatch(/"(allow|approve)"/)
        expectQuick(started, stdin)
      }),
      { numRuns: runs },
    )
  })
})
