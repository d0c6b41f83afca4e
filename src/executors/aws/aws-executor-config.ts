/** The AWS services the catalogue's actions touch, by SDK client package. */
export type AwsService = 'ec2' | 'ecs' | 'iam' | 'lambda' | 's3'

export const AWS_SERVICES: readonly AwsService[] = ['ec2', 'ecs', 'iam', 'lambda', 's3']

/** Configuration of {@link awsExecutor}. */
export interface AwsExecutorConfig {
  /** Region used when the action's parameters carry none. */
  readonly region?: string
  /**
   * Send requests here instead of the public AWS endpoints: one URL for every
   * service, or one per service (e.g. an S3-compatible store for `s3` only).
   * `http:` is accepted only for loopback hosts.
   */
  readonly endpoint?: string | Readonly<Partial<Record<AwsService, string>>>
  /** Address S3 buckets in the path (`/bucket/key`), as most S3-compatible stores need. Default: true when an S3 endpoint is set. */
  readonly force_path_style?: boolean
  /**
   * Let the SDK find credentials itself (environment, profile, instance
   * role) when the run carries none. Default false: an action without a
   * credential from the runner fails before anything is sent.
   */
  readonly ambient_credentials?: boolean
  /**
   * Attempts per API call that reads (state, prechecks), retries included.
   * Default 3 (the SDK's default). The action's own call is always sent
   * once: a retry could carry it out twice.
   */
  readonly max_attempts?: number
}
