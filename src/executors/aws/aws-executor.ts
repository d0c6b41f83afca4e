import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type {
  ExecutionRequest,
  ExecutionResult,
  Executor,
  PlannedCall,
  PrecheckResult,
  StateSnapshot,
} from '../executor.js'
import { AWS_ACTIONS, type AwsActionSpec, SERVICE_LABEL } from './aws-actions.js'
import { AwsCallError, createCaller } from './aws-call.js'
import { configuredEndpoint } from './aws-clients.js'
import { checkEndpoint } from './aws-endpoint.js'
import { AWS_SERVICES, type AwsExecutorConfig } from './aws-executor-config.js'
import { describeOutput } from './aws-output.js'
import { regionOf } from './aws-params.js'
import { AWS_PRECHECKS } from './aws-prechecks.js'
import { STATE_READERS } from './aws-state.js'

interface Prepared {
  readonly spec: AwsActionSpec
  readonly region: string
  readonly input: Record<string, unknown>
}

function specFor(request: ExecutionRequest): AwsActionSpec {
  const spec = AWS_ACTIONS[request.action.name]
  if (spec === undefined) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `the aws executor has no mapping for action '${request.action.name}'; it runs these: ${Object.keys(AWS_ACTIONS).join(', ')}`,
    )
  }
  return spec
}

function prepare(request: ExecutionRequest, config: AwsExecutorConfig): Prepared {
  const spec = specFor(request)
  return { spec, region: regionOf(request.params, config.region), input: spec.input(request.params) }
}

/** Bad inputs surface as a failed result, like any other refusal of the call. */
function isInputError(error: unknown): error is AirlockError {
  return AirlockError.isInstance(error) && error.code === ErrorCode.INPUT_INVALID
}

interface DeclaredPrecheck {
  readonly name: string
  readonly advisory?: boolean
}

function declaredPrechecks(request: ExecutionRequest): readonly DeclaredPrecheck[] {
  const list = request.action.meta.prechecks
  return Array.isArray(list) ? (list as DeclaredPrecheck[]) : []
}

function declaresState(request: ExecutionRequest): boolean {
  const fields = request.action.meta.state_fields
  return Array.isArray(fields) && fields.length > 0
}

/**
 * Runs the actions of `catalog/aws` through the AWS SDK v3, one client per
 * service and run, signed with the credential the runner fetched for that run.
 *
 * @remarks Without a credential on the request the call fails before anything
 * is sent, unless `ambient_credentials` lets the SDK find its own. The SDK
 * packages are optional peers, imported the first time a service is used.
 * Prechecks declared by an action but unknown to this executor fail: a check
 * nobody runs must not look passed.
 */
export function awsExecutor(config: AwsExecutorConfig = {}): Executor {
  if (typeof config.endpoint === 'string') checkEndpoint('endpoint', config.endpoint)
  else if (config.endpoint !== undefined) {
    for (const [service, url] of Object.entries(config.endpoint)) {
      if (!AWS_SERVICES.includes(service as never)) {
        throw new AirlockError(
          ErrorCode.CONFIG_INVALID,
          `endpoint.${service}: not an AWS service the executor uses; expected one of ${AWS_SERVICES.join(', ')}`,
        )
      }
      if (url !== undefined) checkEndpoint(`endpoint.${service}`, url)
    }
  }

  // The SDK sends a call again when it takes the first for failed (a reset
  // connection, a 5xx), though the first may have been carried out: an
  // action's own call is sent once, so a function is never invoked twice.
  // Reads (state, prechecks) keep the configured attempts.
  const once = { ...config, max_attempts: 1 }
  const withCaller = async <T>(
    request: ExecutionRequest,
    region: string,
    use: (call: ReturnType<typeof createCaller>['call']) => Promise<T>,
    settings: AwsExecutorConfig = config,
  ): Promise<T> => {
    const caller = createCaller(settings, region, request.credential, request.signal)
    try {
      return await use(caller.call)
    } finally {
      caller.close()
    }
  }

  return {
    type: 'aws',

    plan(request: ExecutionRequest): PlannedCall {
      const { spec, region, input } = prepare(request, config)
      const endpoint = configuredEndpoint(config, spec.service)
      return {
        kind: 'api',
        service: 'aws',
        operation: `${SERVICE_LABEL[spec.service]}.${spec.operation}`,
        args: endpoint === undefined ? { region, input } : { region, endpoint, input },
      }
    },

    async prechecks(request: ExecutionRequest): Promise<readonly PrecheckResult[]> {
      const declared = declaredPrechecks(request)
      if (declared.length === 0) return []
      const spec = specFor(request)
      const region = regionOf(request.params, config.region)
      return withCaller(request, region, async (call) => {
        let state: Promise<StateSnapshot> | undefined
        const ctx = {
          call,
          params: request.params,
          state: () => (state ??= STATE_READERS[spec.state](call, request.params)),
        }
        const results: PrecheckResult[] = []
        for (const { name, advisory } of declared) {
          results.push({ name, advisory: advisory === true, ...(await runCheck(name, ctx)) })
        }
        return results
      })
    },

    async getState(request: ExecutionRequest): Promise<StateSnapshot> {
      if (!declaresState(request)) return {}
      const spec = specFor(request)
      const region = regionOf(request.params, config.region)
      return withCaller(request, region, (call) => STATE_READERS[spec.state](call, request.params))
    },

    async execute(request: ExecutionRequest): Promise<ExecutionResult> {
      let prepared: Prepared
      try {
        prepared = prepare(request, config)
      } catch (error) {
        if (isInputError(error)) return { ok: false, error: error.message }
        throw error
      }
      const { spec, region, input } = prepared
      return withCaller(
        request,
        region,
        async (call) => {
          try {
            return describeOutput(spec, await call(spec.service, spec.operation, toWire(spec, input)))
          } catch (error) {
            if (error instanceof AwsCallError) return { ok: false, error: error.message }
            throw error
          }
        },
        once,
      )
    },
  }
}

async function runCheck(
  name: string,
  ctx: Parameters<(typeof AWS_PRECHECKS)[string]>[0],
): Promise<{ passed: boolean; message: string }> {
  const check = AWS_PRECHECKS[name]
  if (check === undefined) {
    return {
      passed: false,
      message: `the aws executor has no check named '${name}'; known checks: ${Object.keys(AWS_PRECHECKS).join(', ')}`,
    }
  }
  try {
    return await check(ctx)
  } catch (error) {
    if (error instanceof AwsCallError || isInputError(error)) return { passed: false, message: error.message }
    throw error
  }
}

/** The SDK wants bytes for a Lambda payload; the plan shows it as text. */
function toWire(spec: AwsActionSpec, input: Record<string, unknown>): Record<string, unknown> {
  if (spec.service === 'lambda' && spec.operation === 'Invoke' && typeof input.Payload === 'string') {
    return { ...input, Payload: new TextEncoder().encode(input.Payload) }
  }
  return input
}
