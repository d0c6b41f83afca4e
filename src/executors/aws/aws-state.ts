import type { StateSnapshot } from '../executor.js'
import { AwsCallError, type AwsCaller } from './aws-call.js'
import { str } from './aws-params.js'

type Params = Readonly<Record<string, unknown>>
type Reader = (call: AwsCaller, params: Params) => Promise<StateSnapshot>

const ABSENT: StateSnapshot = Object.freeze({ exists: false })

// Snapshots are flat and named like the action's `state_fields`, so `rollback_params` such as
// `before_state.desired_count` resolve against them directly.
async function orAbsent(read: () => Promise<StateSnapshot>): Promise<StateSnapshot> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof AwsCallError && error.kind === 'not_found') return ABSENT
    throw error
  }
}

type Obj = Record<string, unknown>
const obj = (value: unknown): Obj => (typeof value === 'object' && value !== null ? (value as Obj) : {})
const first = (value: unknown): Obj => obj(Array.isArray(value) ? value[0] : undefined)
const orNull = (value: unknown): unknown => (value === undefined ? null : value)

const ec2Instance: Reader = (call, p) =>
  orAbsent(async () => {
    const out = await call('ec2', 'DescribeInstances', { InstanceIds: [str(p, 'instance_id')] })
    const instance = first(first(out.Reservations).Instances)
    if (instance.InstanceId === undefined) return ABSENT
    return {
      exists: true,
      state: orNull(obj(instance.State).Name),
      instance_type: orNull(instance.InstanceType),
    }
  })

const ecsService: Reader = (call, p) =>
  orAbsent(async () => {
    const out = await call('ecs', 'DescribeServices', {
      cluster: str(p, 'cluster'),
      services: [str(p, 'service')],
    })
    const service = first(out.services)
    // A missing service comes back under `failures`, not as an error.
    if (service.serviceName === undefined) return ABSENT
    return {
      exists: true,
      desired_count: orNull(service.desiredCount),
      running_count: orNull(service.runningCount),
      status: orNull(service.status),
    }
  })

const ecsTask: Reader = (call, p) =>
  orAbsent(async () => {
    const out = await call('ecs', 'DescribeTasks', { cluster: str(p, 'cluster'), tasks: [str(p, 'task')] })
    const task = first(out.tasks)
    if (task.taskArn === undefined) return ABSENT
    return { exists: true, last_status: orNull(task.lastStatus), desired_status: orNull(task.desiredStatus) }
  })

const iamRole: Reader = (call, p) =>
  orAbsent(async () => {
    const arns: string[] = []
    let marker: string | undefined
    do {
      const input: Obj = { RoleName: str(p, 'role_name') }
      if (marker !== undefined) input.Marker = marker
      const out = await call('iam', 'ListAttachedRolePolicies', input)
      for (const policy of Array.isArray(out.AttachedPolicies) ? out.AttachedPolicies : []) {
        const arn = obj(policy).PolicyArn
        if (typeof arn === 'string') arns.push(arn)
      }
      marker = out.IsTruncated === true && typeof out.Marker === 'string' ? out.Marker : undefined
    } while (marker !== undefined)
    return { exists: true, attached_policies: arns.sort() }
  })

const lambdaFunction: Reader = (call, p) =>
  orAbsent(async () => {
    const out = await call('lambda', 'GetFunction', { FunctionName: str(p, 'function_name') })
    const config = obj(out.Configuration)
    return { exists: true, state: orNull(config.State), last_update_status: orNull(config.LastUpdateStatus) }
  })

const lambdaConfiguration: Reader = (call, p) =>
  orAbsent(async () => {
    const config = await call('lambda', 'GetFunctionConfiguration', { FunctionName: str(p, 'function_name') })
    return {
      exists: true,
      memory_size: orNull(config.MemorySize),
      timeout: orNull(config.Timeout),
      runtime: orNull(config.Runtime),
      last_update_status: orNull(config.LastUpdateStatus),
    }
  })

const s3Object: Reader = (call, p) =>
  orAbsent(async () => {
    const out = await call('s3', 'HeadObject', { Bucket: str(p, 'bucket'), Key: str(p, 'key') })
    return {
      exists: true,
      content_length: orNull(out.ContentLength),
      content_type: orNull(out.ContentType),
      etag: orNull(out.ETag),
    }
  })

const s3BucketPolicy: Reader = async (call, p) => {
  try {
    const out = await call('s3', 'GetBucketPolicy', { Bucket: str(p, 'bucket') })
    return { exists: true, policy: typeof out.Policy === 'string' ? out.Policy : null }
  } catch (error) {
    if (!(error instanceof AwsCallError) || error.kind !== 'not_found') throw error
    // The bucket is there but has no policy yet: the state a rollback must restore to "none".
    if (error.aws_code === 'NoSuchBucketPolicy') return { exists: true, policy: null }
    return { exists: false, policy: null }
  }
}

export const STATE_READERS = {
  ec2_instance: ec2Instance,
  ecs_service: ecsService,
  ecs_task: ecsTask,
  iam_role: iamRole,
  lambda_function: lambdaFunction,
  lambda_configuration: lambdaConfiguration,
  s3_object: s3Object,
  s3_bucket_policy: s3BucketPolicy,
} as const satisfies Record<string, Reader>

export type StateReaderName = keyof typeof STATE_READERS
