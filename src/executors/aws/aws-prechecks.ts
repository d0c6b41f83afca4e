import type { StateSnapshot } from '../executor.js'
import { AwsCallError, type AwsCaller } from './aws-call.js'
import { isPolicyDocument, isStringMap, jsonParam, str } from './aws-params.js'

type Params = Readonly<Record<string, unknown>>

/** What a check sees: the call, the inputs, and the action's current state (read once, on demand). */
export interface PrecheckContext {
  readonly call: AwsCaller
  readonly params: Params
  state(): Promise<StateSnapshot>
}

type Outcome = { readonly passed: boolean; readonly message: string }
type Check = (ctx: PrecheckContext) => Promise<Outcome>

const pass = (message: string): Outcome => ({ passed: true, message })
const fail = (message: string): Outcome => ({ passed: false, message })

const exists =
  (what: string): Check =>
  async (ctx) =>
    (await ctx.state()).exists === true ? pass(`${what} exists`) : fail(`${what} does not exist`)

/** Runs one existence probe; "not found" is a failed check, any other error propagates. */
async function probe(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read()
    return true
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not_found') return false
    throw error
  }
}

const validJson =
  (name: string, check: (value: unknown) => boolean, shape: string, optional: boolean): Check =>
  async ({ params }) => {
    if (optional && (params[name] === undefined || params[name] === null)) return pass(`${name} not given`)
    jsonParam(params, name, (v): v is unknown => check(v), shape)
    return pass(`${name} is ${shape}`)
  }

/** The checks the catalogue's actions declare, by name. */
export const AWS_PRECHECKS: Readonly<Record<string, Check>> = {
  'instance-exists': exists('the instance'),
  'service-exists': exists('the service'),
  'task-exists': exists('the task'),
  'function-exists': exists('the function'),
  'object-exists': exists('the object'),
  'role-exists': async ({ call, params }) => {
    const found = await probe(() => call('iam', 'GetRole', { RoleName: str(params, 'role_name') }))
    return found ? pass('the role exists') : fail(`role '${str(params, 'role_name')}' does not exist`)
  },
  'policy-exists': async ({ call, params }) => {
    const found = await probe(() => call('iam', 'GetPolicy', { PolicyArn: str(params, 'policy_arn') }))
    return found ? pass('the policy exists') : fail(`policy ${str(params, 'policy_arn')} does not exist`)
  },
  'policy-attached': async (ctx) => {
    const attached = (await ctx.state()).attached_policies
    const arn = str(ctx.params, 'policy_arn')
    return Array.isArray(attached) && attached.includes(arn)
      ? pass(`${arn} is attached`)
      : fail(`${arn} is not attached to role '${str(ctx.params, 'role_name')}'`)
  },
  'bucket-exists': async ({ call, params }) => {
    const found = await probe(() => call('s3', 'HeadBucket', { Bucket: str(params, 'bucket') }))
    return found ? pass('the bucket exists') : fail(`bucket '${str(params, 'bucket')}' does not exist`)
  },
  'termination-protection': async ({ call, params }) => {
    const out = await call('ec2', 'DescribeInstanceAttribute', {
      InstanceId: str(params, 'instance_id'),
      Attribute: 'disableApiTermination',
    })
    const value = (out.DisableApiTermination as { Value?: unknown } | undefined)?.Value
    return value === true
      ? fail('the instance has termination protection enabled (disableApiTermination); turn it off first')
      : pass('termination protection is off')
  },
  'payload-valid': validJson('payload', () => true, 'valid JSON', true),
  'environment-valid': validJson(
    'environment_variables',
    isStringMap,
    'a JSON object whose values are strings',
    true,
  ),
  'policy-valid': validJson('policy', isPolicyDocument, 'a JSON object with a Statement', false),
}
