/**
 * The `executors:` section of the configuration file: which executor runs
 * actions that name none, the time budget of a run, the settings of each
 * executor type and where each credential type comes from.
 *
 * @module
 */
import { z } from 'zod'
import { credentialProvidersSchema } from '../executors/credentials/credential-config.js'
import type { ExecutorsConfig } from '../executors/execution-runtime.js'
import { EXECUTOR_TYPES, type ExecutorType } from '../executors/executor.js'
import { executorSettingsSchemas } from '../executors/executor-settings.js'
import type { ExecutorSettings } from '../executors/registry.js'
import { duration } from './config-schema-primitives.js'

const executorType = z.enum(EXECUTOR_TYPES as [ExecutorType, ...ExecutorType[]], {
  error: (issue) => `expected one of ${EXECUTOR_TYPES.join(', ')}, got ${JSON.stringify(issue.input)}`,
})

export const executorsSchema = z.strictObject({
  /** The executor of actions that have no handler and name none. */
  default: executorType.optional(),
  /** Time budget of one run unless the action sets `timeout_s`, e.g. `60s`. */
  timeout: duration.optional(),
  settings: z.strictObject(executorSettingsSchemas).partial().optional(),
  credentials: credentialProvidersSchema.optional(),
})

export type ParsedExecutorsConfig = z.output<typeof executorsSchema>

/** The runtime's view of the section; null when the file has none. */
export function resolveExecutors(parsed: ParsedExecutorsConfig | undefined): ExecutorsConfig | null {
  if (parsed === undefined) return null
  // Partial settings leave absent types out (never set to undefined), as the record type needs.
  return {
    ...(parsed.default === undefined ? {} : { default: parsed.default }),
    ...(parsed.timeout === undefined ? {} : { timeout_ms: parsed.timeout }),
    ...(parsed.settings === undefined
      ? {}
      : { settings: parsed.settings as Readonly<Record<string, ExecutorSettings>> }),
    ...(parsed.credentials === undefined ? {} : { credentials: parsed.credentials }),
  }
}
