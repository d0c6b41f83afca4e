import type { Credential } from '../executor.js'
import { SERVICE_LABEL } from './aws-actions.js'
import { type AwsClient, createClient, createCommand } from './aws-clients.js'
import type { AwsExecutorConfig, AwsService } from './aws-executor-config.js'

/** How an AWS error is understood, so callers can phrase it and prechecks can tell "absent" from "broken". */
export type AwsErrorKind = 'not_found' | 'access_denied' | 'aborted' | 'other'

const NOT_FOUND = new Set([
  'NotFound',
  'NoSuchKey',
  'NoSuchBucket',
  'NoSuchBucketPolicy',
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  'ServiceNotFoundException',
  'ClusterNotFoundException',
  'InvalidInstanceID.NotFound',
])
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'ExpiredToken',
])

/** An AWS API call that failed: the service's answer, or the call cut short. */
export class AwsCallError extends Error {
  readonly kind: AwsErrorKind
  readonly aws_code: string
  readonly http_status: number | undefined

  constructor(label: string, error: unknown, aborted: boolean) {
    const e = (typeof error === 'object' && error !== null ? error : {}) as {
      name?: unknown
      message?: unknown
      $metadata?: { httpStatusCode?: number }
    }
    const code = typeof e.name === 'string' ? e.name : 'Error'
    const status = e.$metadata?.httpStatusCode
    const kind: AwsErrorKind = aborted
      ? 'aborted'
      : NOT_FOUND.has(code) || (status === 404 && code !== 'AccessDenied')
        ? 'not_found'
        : ACCESS_DENIED.has(code) || status === 403
          ? 'access_denied'
          : 'other'
    const detail = typeof e.message === 'string' && e.message !== '' ? `: ${e.message}` : ''
    const message = aborted
      ? `${label} was aborted (timeout or cancellation) before AWS answered`
      : `${label} failed: ${code}${status === undefined ? '' : ` (HTTP ${status})`}${detail}${HINT[kind]}`
    super(message, { cause: error })
    this.name = 'AwsCallError'
    this.kind = kind
    this.aws_code = code
    this.http_status = status
  }
}

const HINT: Record<AwsErrorKind, string> = {
  not_found: ' — the resource does not exist (check the name, the region and the account)',
  access_denied: " — the run's AWS credential is not allowed to do this (check its IAM policy)",
  aborted: '',
  other: '',
}

/** Calls one operation and answers its output without `$metadata`. */
export type AwsCaller = (
  service: AwsService,
  operation: string,
  input: Record<string, unknown>,
) => Promise<Record<string, unknown>>

/**
 * A caller bound to one run's region, credential and signal. Clients are made
 * on first use and destroyed by `close()`; they never outlive the run, so a
 * revoked credential is not kept in a pooled client.
 */
export function createCaller(
  config: AwsExecutorConfig,
  region: string,
  credential: Credential | undefined,
  signal: AbortSignal,
): { call: AwsCaller; close(): void } {
  const clients = new Map<
    AwsService,
    Promise<{ client: AwsClient; module: Readonly<Record<string, unknown>> }>
  >()
  const call: AwsCaller = async (service, operation, input) => {
    const label = `${SERVICE_LABEL[service]}.${operation}`
    if (signal.aborted) throw new AwsCallError(label, signal.reason, true)
    let pending = clients.get(service)
    if (pending === undefined) {
      pending = createClient(service, region, credential, config)
      clients.set(service, pending)
    }
    const { client, module } = await pending
    try {
      const output = (await client.send(createCommand(module, operation, input), {
        abortSignal: signal,
      })) as Record<string, unknown>
      const { $metadata: _, ...rest } = output
      return rest
    } catch (error) {
      throw new AwsCallError(label, error, signal.aborted)
    }
  }
  const close = (): void => {
    for (const pending of clients.values()) {
      pending.then(({ client }) => client.destroy()).catch(() => undefined)
    }
    clients.clear()
  }
  return { call, close }
}
