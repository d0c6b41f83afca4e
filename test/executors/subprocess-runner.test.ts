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

describe('runner order and outcomes', () => {
  const node = process.execPath

  it('stops the run when a blocking precheck fails, and only warns for an advisory one', async () => {
    const yaml = (advisory: boolean) =>
      action(
        `prechecks:
  - name: must-pass
    description: exits 1
    advisory: ${advisory}
subprocess:
  argv: ["${node}", "-e", "process.stdout.write('ran')"]
  prechecks:
    must-pass: ["${node}", "-e", "process.exit(1)"]
`,
        advisory ? 'advisory-check' : 'blocking-check',
      )
    const airlock = createAirlock({ actions: [yaml(false), yaml(true)], policies: [allowAll()] })
    const blocked = await airlock.execute('blocking-check', { pod: 'p' }, { caller: agent })
    expect(blocked).toMatchObject({ status: 'failed', error: { code: 'PRECHECK_FAILED' } })
    const warned = await airlock.execute('advisory-check', { pod: 'p' }, { caller: agent })
    expect(warned).toMatchObject({ status: 'executed', result: { stdout: 'ran' } })
    const [event] = (await airlock.audit.list({ status: 'executed' }, 1)).items
    const execution = (event!.context as { execution: { warnings: string[] } }).execution
    expect(execution.warnings.join()).toContain("advisory precheck 'must-pass' failed")
    await airlock.close()
  })

  it('stops an executor that runs past its budget, fails with EXECUTOR_TIMEOUT and consumes the ticket', async () => {
    const slow = action(
      `timeout_s: 1
subprocess:
  argv: ["${node}", "-e", "setTimeout(() => {}, 60000)"]
`,
      'slow',
    )
    const airlock = createAirlock({ actions: [slow], policies: [allowAll()] })
    const outcome = await airlock.execute('slow', { pod: 'p' }, { caller: agent })
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'EXECUTOR_TIMEOUT' } })
    const [event] = (await airlock.audit.list({ status: 'failed' }, 1)).items
    const execution = (event!.context as { execution: { ticket_nonce: string | null } }).execution
    expect(execution.ticket_nonce).toEqual(expect.any(String))
    expect(
      await airlock.store.nonces.consume(
        execution.ticket_nonce as string,
        new Date(Date.now() + 60_000).toISOString(),
      ),
    ).toBe(false)
    await airlock.close()
  })

  it('records the state diff and never records the credential, even when the program prints it', async () => {
    process.env.AIRLOCK_TEST_SECRET_TOKEN = 'tok-5f1c9a7e-secret'
    const stateful = parseActionYaml(
      'scale.yaml',
      `name: scale
version: "1.0.0"
description: Scales
risk_class: low
target_types: [host]
parameters:
  - name: pod
    type: string
credentials:
  type: demo
state_fields:
  - name: replicas
executor: subprocess
subprocess:
  argv: ["${node}", "-e", "process.stdout.write('token=' + process.env.DEMO_TOKEN)"]
  credential_env: { DEMO_TOKEN: token }
  state:
    argv: ["${node}", "-e", "process.stdout.write(JSON.stringify({ spec: { replicas: 2 } }))"]
    fields: { replicas: spec.replicas }
`,
    )
    const airlock = createAirlock({
      actions: [stateful],
      policies: [allowAll()],
      executors: {
        credentials: { demo: { provider: 'env', variables: { token: 'AIRLOCK_TEST_SECRET_TOKEN' } } },
      },
    })
    const outcome = await airlock.execute('scale', { pod: 'p' }, { caller: agent })
    expect(outcome).toMatchObject({ status: 'executed', result: { stdout: 'token=[credential]' } })
    const events = (await airlock.audit.list({}, 50)).items
    expect(JSON.stringify(events)).not.toContain('tok-5f1c9a7e-secret')
    const executed = events.find((e) => e.status === 'executed')
    const execution = (executed!.context as { execution: Record<string, unknown> }).execution
    expect(execution).toMatchObject({
      executor: 'subprocess',
      state_before: { replicas: 2 },
      state_after: { replicas: 2 },
      diff: { added: [], removed: [], changed: [] },
      provided_by: { type: 'demo', provider: 'env' },
    })
    await airlock.close()
  })

  it('fails before executing when the credential is missing, naming the provider and the variable', async () => {
    const needs = action(
      `credentials:
  type: demo
subprocess:
  argv: ["${node}", "-e", "0"]
`,
      'needs-cred',
    )
    const airlock = createAirlock({
      actions: [needs],
      policies: [allowAll()],
      executors: {
        credentials: { demo: { provider: 'env', variables: { token: 'AIRLOCK_TEST_UNSET_VAR' } } },
      },
    })
    const outcome = await airlock.execute('needs-cred', { pod: 'p' }, { caller: agent })
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'CREDENTIAL_UNAVAILABLE' } })
    expect((outcome as { error: { message: string } }).error.message).toContain(
      'env provider: environment variable AIRLOCK_TEST_UNSET_VAR is not set',
    )
    await airlock.close()
  })
})
