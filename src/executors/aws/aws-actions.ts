import type { AwsService } from './aws-executor-config.js'
import { int, isStringMap, jsonParam, optionalBool, optionalInt, optionalStr, str } from './aws-params.js'
import type { StateReaderName } from './aws-state.js'

type Params = Readonly<Record<string, unknown>>

/** How one catalogue action maps onto one AWS API call. */
export interface AwsActionSpec {
  readonly service: AwsService
  /** The API operation; the SDK command is `<operation>Command`. */
  readonly operation: string
  /** The request, exactly as a dry run shows it. */
  input(params: Params): Record<string, unknown>
  /** Reads the state the action's `state_fields` name. */
  readonly state: StateReaderName
}

const instance = (operation: string): AwsActionSpec => ({
  service: 'ec2',
  operation,
  input: (p) => ({ InstanceIds: [str(p, 'instance_id')] }),
  state: 'ec2_instance',
})

/** Drops absent optional fields so the request holds only what was asked for. */
function defined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined))
}

function updateService(p: Params): Record<string, unknown> {
  return defined({
    cluster: str(p, 'cluster'),
    service: str(p, 'service'),
    desiredCount: optionalInt(p, 'desired_count'),
    forceNewDeployment: optionalBool(p, 'force_new_deployment'),
  })
}

function updateFunctionConfiguration(p: Params): Record<string, unknown> {
  const variables =
    p.environment_variables === undefined || p.environment_variables === null
      ? undefined
      : jsonParam(p, 'environment_variables', isStringMap, 'a JSON object whose values are strings')
  return defined({
    FunctionName: str(p, 'function_name'),
    MemorySize: optionalInt(p, 'memory_size'),
    Timeout: optionalInt(p, 'timeout'),
    Environment: variables === undefined ? undefined : { Variables: variables },
  })
}

/**
 * Every action of `catalog/aws`, by name. Parameter names follow the
 * catalogue; request fields follow the AWS API reference of each operation.
 */
export const AWS_ACTIONS: Readonly<Record<string, AwsActionSpec>> = {
  'ec2-reboot-instance': instance('RebootInstances'),
  'ec2-start-instance': instance('StartInstances'),
  'ec2-stop-instance': instance('StopInstances'),
  'ec2-terminate-instance': instance('TerminateInstances'),
  'ecs-scale-service': {
    service: 'ecs',
    operation: 'UpdateService',
    input: (p) => ({
      cluster: str(p, 'cluster'),
      service: str(p, 'service'),
      desiredCount: int(p, 'desired_count'),
    }),
    state: 'ecs_service',
  },
  'ecs-update-service': {
    service: 'ecs',
    operation: 'UpdateService',
    input: updateService,
    state: 'ecs_service',
  },
  'ecs-stop-task': {
    service: 'ecs',
    operation: 'StopTask',
    input: (p) =>
      defined({ cluster: str(p, 'cluster'), task: str(p, 'task'), reason: optionalStr(p, 'reason') }),
    state: 'ecs_task',
  },
  'iam-attach-role-policy': {
    service: 'iam',
    operation: 'AttachRolePolicy',
    input: (p) => ({ RoleName: str(p, 'role_name'), PolicyArn: str(p, 'policy_arn') }),
    state: 'iam_role',
  },
  'iam-detach-role-policy': {
    service: 'iam',
    operation: 'DetachRolePolicy',
    input: (p) => ({ RoleName: str(p, 'role_name'), PolicyArn: str(p, 'policy_arn') }),
    state: 'iam_role',
  },
  'lambda-invoke-function': {
    service: 'lambda',
    operation: 'Invoke',
    input: (p) => ({
      FunctionName: str(p, 'function_name'),
      InvocationType: 'RequestResponse',
      Payload: optionalStr(p, 'payload') ?? '{}',
    }),
    state: 'lambda_function',
  },
  'lambda-update-function-config': {
    service: 'lambda',
    operation: 'UpdateFunctionConfiguration',
    input: updateFunctionConfiguration,
    state: 'lambda_configuration',
  },
  's3-delete-object': {
    service: 's3',
    operation: 'DeleteObject',
    input: (p) => ({ Bucket: str(p, 'bucket'), Key: str(p, 'key') }),
    state: 's3_object',
  },
  's3-put-bucket-policy': {
    service: 's3',
    operation: 'PutBucketPolicy',
    input: (p) => ({ Bucket: str(p, 'bucket'), Policy: str(p, 'policy') }),
    state: 's3_bucket_policy',
  },
}

/** Labels an operation the way AWS documents it, e.g. `EC2.StopInstances`. */
export const SERVICE_LABEL: Readonly<Record<AwsService, string>> = {
  ec2: 'EC2',
  ecs: 'ECS',
  iam: 'IAM',
  lambda: 'Lambda',
  s3: 'S3',
}
