import { describe, expect, it } from 'vitest'
import { parseActionYaml } from '../../src/actions/load-actions.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'

const agent = localPrincipal('agent-1')
// The program each test runs: prints its arguments as JSON, one per element, so a test sees exactly what arrived.
const PRINT_ARGS = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'

function action(extra: string, name = 'echo-args') {
  return parseActionYaml(
    `${name}.yaml`,
    `name: ${name}
version: "1.0.0"
description: Prints its arguments
risk_class: low
target_types: [host]
parameters:
  - name: pod
    type: string
executor: subprocess
${extra}`,
  )
}

const echo = (extra = '') =>
  action(`subprocess:
  argv: ["${process.execPath}", "-e", "${PRINT_ARGS}", "pod/{pod}", "{pod}"]
${extra}`)

describe('subprocess executor through the pipeline', () => {
  it.each([
    ['x --all', 'spaces and options'],
    ['$(rm -rf /tmp/nothing)', 'command substitution'],
    ['a; echo pwned', 'a command separator'],
    ['line1\nline2', 'a newline'],
  ])('passes %j as exactly one argument (%s)', async (pod) => {
    const airlock = createAirlock({ actions: [echo()], policies: [allowAll()] })
    const outcome = await airlock.execute('echo-args', { pod }, { caller: agent })
    expect(outcome).toMatchObject({ status: 'executed' })
    const result = (outcome as { result: { stdout: string } }).result
    expect(JSON.parse(result.stdout)).toEqual([`pod/${pod}`, pod])
    await airlock.close()
  })

  it('refuses a value starting with - where a positional argument is expected, and runs nothing', async () => {
    const airlock = createAirlock({ actions: [echo()], policies: [allowAll()] })
    const outcome = await airlock.execute('echo-args', { pod: '--all' }, { caller: agent })
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'INPUT_INVALID' } })
    expect((outcome as { error: { message: string } }).error.message).toContain("may not start with '-'")
    await airlock.close()
  })
})
