/**
 * AWS executor (`airlock/aws`): carries out the actions of `catalog/aws`
 * (EC2, ECS, Lambda, S3, IAM) through the AWS SDK v3. Needs the optional
 * peers `@aws-sdk/client-ec2`, `-ecs`, `-lambda`, `-s3` and `-iam` for the
 * services it uses.
 *
 * @module
 */
export { AWS_ACTIONS, type AwsActionSpec } from './aws-actions.js'
export { awsExecutor } from './aws-executor.js'
export { AWS_SERVICES, type AwsExecutorConfig, type AwsService } from './aws-executor-config.js'
export { AWS_PRECHECKS } from './aws-prechecks.js'
