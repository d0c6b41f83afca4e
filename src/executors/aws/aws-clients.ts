import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Credential } from '../executor.js'
import type { AwsExecutorConfig, AwsService } from './aws-executor-config.js'

/** The slice of an SDK v3 client the executor uses. */
export interface AwsClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>
  destroy(): void
}

type ClientConstructor = new (config: Record<string, unknown>) => AwsClient
type CommandConstructor = new (input: Record<string, unknown>) => unknown
type SdkModule = Readonly<Record<string, unknown>>

// Literal specifiers so bundlers see them; loaded only when an action of that service runs.
const LOADERS: Record<AwsService, () => Promise<SdkModule>> = {
  ec2: () => import('@aws-sdk/client-ec2'),
  ecs: () => import('@aws-sdk/client-ecs'),
  iam: () => import('@aws-sdk/client-iam'),
  lambda: () => import('@aws-sdk/client-lambda'),
  s3: () => import('@aws-sdk/client-s3'),
}

const CLIENT_CLASS: Record<AwsService, string> = {
  ec2: 'EC2Client',
  ecs: 'ECSClient',
  iam: 'IAMClient',
  lambda: 'LambdaClient',
  s3: 'S3Client',
}

const loaded = new Map<AwsService, Promise<SdkModule>>()

async function loadModule(service: AwsService): Promise<SdkModule> {
  let pending = loaded.get(service)
  if (pending === undefined) {
    pending = LOADERS[service]()
    loaded.set(service, pending)
    // A failed import is not cached: installing the package fixes the next run.
    pending.catch(() => loaded.delete(service))
  }
  try {
    return await pending
  } catch (cause) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `the aws executor needs the package @aws-sdk/client-${service} for this action; install it (npm install @aws-sdk/client-${service})`,
      { cause },
    )
  }
}

function endpointFor(config: AwsExecutorConfig, service: AwsService): string | undefined {
  const endpoint = config.endpoint
  if (endpoint === undefined || typeof endpoint === 'string') return endpoint
  return endpoint[service]
}

function sdkCredentials(credential: Credential | undefined, config: AwsExecutorConfig): object | undefined {
  if (credential === undefined) {
    if (config.ambient_credentials === true) return undefined
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'the aws executor got no credential for this run: declare `credentials: { type: aws }` on the action so the runner fetches one, or configure the executor with ambient_credentials: true',
    )
  }
  const { access_key_id, secret_access_key, session_token } = credential.values
  if (!access_key_id || !secret_access_key) {
    // Names the keys, never their values.
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `the credential from provider '${credential.provider}' has no access_key_id and secret_access_key; an aws credential needs both (session_token is optional)`,
    )
  }
  return session_token
    ? { accessKeyId: access_key_id, secretAccessKey: secret_access_key, sessionToken: session_token }
    : { accessKeyId: access_key_id, secretAccessKey: secret_access_key }
}

/** One client for one call's service, region and credential; the caller destroys it. */
export async function createClient(
  service: AwsService,
  region: string,
  credential: Credential | undefined,
  config: AwsExecutorConfig,
): Promise<{ client: AwsClient; module: SdkModule }> {
  const credentials = sdkCredentials(credential, config)
  const module = await loadModule(service)
  const Client = module[CLIENT_CLASS[service]] as ClientConstructor
  const endpoint = endpointFor(config, service)
  const options: Record<string, unknown> = { region, maxAttempts: config.max_attempts ?? 3 }
  if (credentials !== undefined) options.credentials = credentials
  if (endpoint !== undefined) options.endpoint = endpoint
  if (service === 's3') options.forcePathStyle = config.force_path_style ?? endpoint !== undefined
  return { client: new Client(options), module }
}

/** Builds `<operation>Command` from the service's SDK module. */
export function createCommand(module: SdkModule, operation: string, input: Record<string, unknown>): unknown {
  const Command = module[`${operation}Command`] as CommandConstructor | undefined
  if (Command === undefined) {
    throw new AirlockError(ErrorCode.INTERNAL, `the installed AWS SDK has no ${operation}Command`)
  }
  return new Command(input)
}

/** The configured endpoint of a service, for plans and messages. */
export function configuredEndpoint(config: AwsExecutorConfig, service: AwsService): string | undefined {
  return endpointFor(config, service)
}
