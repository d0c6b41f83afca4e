/**
 * The settings of each built-in executor type (`executors.settings.<type>`),
 * in one place so the configuration file and the executors validate them the
 * same way. Only zod here: importing this loads no executor or SDK.
 *
 * @module
 */
import { z } from 'zod'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { AWS_SERVICES } from './aws/aws-executor-config.js'

const nonEmpty = z.string().min(1, 'must not be empty')

export const subprocessSettingsSchema = z.strictObject({
  /** Variables of Airlock's own environment every subprocess may see (PATH always is). */
  env: z.array(nonEmpty).default([]),
  max_output_bytes: z
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
})

export const httpSettingsSchema = z.strictObject({
  /** Base URLs actions may call; an action's base_url must equal one or sit under it. */
  allow: z.array(z.url({ protocol: /^https?$/ })).default([]),
  /** Let calls reach private, loopback and link-local addresses. Off by default. */
  allow_private: z.boolean().default(false),
})

export const kubernetesSettingsSchema = z.strictObject({
  kubeconfig: nonEmpty.optional(),
  kubeconfig_path: nonEmpty.optional(),
  context: nonEmpty.optional(),
  eviction_retry_ms: z.int().min(0).max(600_000).optional(),
})

const endpointUrl = z.url({ protocol: /^https?$/ })

export const awsSettingsSchema = z.strictObject({
  region: nonEmpty.optional(),
  endpoint: z.union([endpointUrl, z.partialRecord(z.enum(AWS_SERVICES), endpointUrl)]).optional(),
  force_path_style: z.boolean().optional(),
  ambient_credentials: z.boolean().optional(),
  max_attempts: z.int().min(1).max(20).optional(),
})

export const dryRunSettingsSchema = z.strictObject({})

/** Settings schema per built-in executor type. */
export const executorSettingsSchemas = {
  'dry-run': dryRunSettingsSchema,
  subprocess: subprocessSettingsSchema,
  http: httpSettingsSchema,
  kubernetes: kubernetesSettingsSchema,
  aws: awsSettingsSchema,
} as const

/**
 * Validates the settings of `type`.
 * @throws AirlockError `CONFIG_INVALID` naming the field and what was expected.
 */
export function parseExecutorSettings<T extends keyof typeof executorSettingsSchemas>(
  type: T,
  raw: unknown,
): z.output<(typeof executorSettingsSchemas)[T]> {
  const parsed = executorSettingsSchemas[type].safeParse(raw ?? {})
  if (!parsed.success) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `executors.settings.${type}: ${z.prettifyError(parsed.error)}`,
    )
  }
  return parsed.data as z.output<(typeof executorSettingsSchemas)[T]>
}
