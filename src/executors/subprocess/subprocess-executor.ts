/**
 * `executor: subprocess`: runs the action's argv template with no shell.
 * Each placeholder fills exactly one argument; the environment holds only
 * PATH, the variables the configuration and the action allow, and those set
 * from the credential; output is capped; a timeout kills the process group.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { executionSpecOf, type SubprocessSpec } from '../execution-spec.js'
import type { ExecutionRequest, ExecutionResult, Executor, PlannedCall, PrecheckResult } from '../executor.js'
import { parseExecutorSettings } from '../executor-settings.js'
import type { ExecutorSettings } from '../registry.js'
import { pickState } from '../state/pick-state.js'
import { renderArg, type TemplateValues } from '../template.js'
import { type ProcessResult, runProcess } from './run-process.js'

function specOf(action: ActionDefinition): SubprocessSpec {
  const spec = executionSpecOf(action.meta)?.subprocess
  if (!spec) {
    throw new AirlockError(
      ErrorCode.EXECUTOR_UNAVAILABLE,
      `Action '${action.name}' has no subprocess block: the subprocess executor needs its argv`,
    )
  }
  return spec
}

/** The argv an action would run, credentials masked. */
export function planArgv(request: ExecutionRequest): PlannedCall {
  const spec = specOf(request.action)
  return { kind: 'argv', argv: spec.argv.map((arg) => renderArg(arg, { params: request.params })) }
}

function describeFailure(result: ProcessResult): string {
  if (result.spawn_error !== null) return `the program could not be started: ${result.spawn_error}`
  if (result.aborted) return 'the process was stopped'
  const detail = result.stderr.trim().slice(0, 1000)
  const end = result.signal === null ? `exit code ${result.exit_code}` : `signal ${result.signal}`
  return detail === '' ? `the process ended with ${end}` : `the process ended with ${end}: ${detail}`
}

/** The subprocess executor. */
export function subprocessExecutor(raw: ExecutorSettings = {}): Executor {
  const settings = parseExecutorSettings('subprocess', raw)

  const environment = (request: ExecutionRequest, spec: SubprocessSpec): Record<string, string> => {
    const env: Record<string, string> = {}
    for (const name of ['PATH', ...settings.env, ...spec.env]) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
    for (const [name, key] of Object.entries(spec.credential_env)) {
      const value = request.credential?.values[key]
      if (value === undefined) {
        throw new AirlockError(
          ErrorCode.CREDENTIAL_UNAVAILABLE,
          `The credential has no value '${key}' for ${name}`,
        )
      }
      env[name] = value
    }
    return env
  }

  const run = (request: ExecutionRequest, argv: readonly string[]) => {
    const spec = specOf(request.action)
    const values: TemplateValues = { params: request.params, credential: request.credential?.values }
    return runProcess(
      argv.map((arg) => renderArg(arg, values)),
      {
        env: environment(request, spec),
        max_output_bytes: settings.max_output_bytes,
        signal: request.signal,
      },
    )
  }

  return {
    type: 'subprocess',
    plan: planArgv,
    async prechecks(request) {
      const spec = specOf(request.action)
      const declared = (request.action.meta.prechecks ?? []) as { name: string; advisory?: boolean }[]
      const results: PrecheckResult[] = []
      for (const check of declared) {
        const argv = spec.prechecks[check.name]
        const advisory = check.advisory === true
        if (!argv) {
          results.push({
            name: check.name,
            passed: false,
            advisory,
            message: 'no command is defined for this precheck',
          })
          continue
        }
        const result = await run(request, argv)
        const passed = result.exit_code === 0
        results.push({
          name: check.name,
          passed,
          advisory,
          message: passed ? 'passed' : describeFailure(result),
        })
      }
      return results
    },
    async getState(request) {
      const state = specOf(request.action).state
      if (!state) return {}
      const result = await run(request, state.argv)
      if (result.exit_code !== 0) throw new Error(`reading state failed: ${describeFailure(result)}`)
      let document: unknown
      try {
        document = JSON.parse(result.stdout)
      } catch {
        throw new Error('reading state failed: the state command did not print JSON')
      }
      return pickState(request.action, document, state.fields)
    },
    async execute(request): Promise<ExecutionResult> {
      const result = await run(request, specOf(request.action).argv)
      const output = {
        exit_code: result.exit_code,
        stdout: result.stdout,
        stderr: result.stderr,
        truncated: result.truncated,
      }
      return result.exit_code === 0
        ? { ok: true, output }
        : { ok: false, error: describeFailure(result), output }
    },
  }
}
