/**
 * The `executors:` section of the configuration file: which executor runs
 * actions that name none, the time budget of a run, the settings of each
 * executor type and where each credential type comes from.
 *
 * @module
 */
import { isAbsolute, resolve } from 'node:path'
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

type ParsedProviders = NonNullable<ParsedExecutorsConfig['credentials']>

/** File providers' relative paths, taken from the configuration file's folder like every other path in it. */
function anchorPaths(credentials: ParsedProviders, dir: string): ParsedProviders {
  return Object.fromEntries(
    Object.entries(credentials).map(([type, provider]) => [
      type,
      provider.provider === 'file' && !isAbsolute(provider.path)
        ? { ...provider, path: resolve(dir, provider.path) }
        : provider,
    ]),
  )
}

type ParsedSettings = NonNullable<ParsedExecutorsConfig['settings']>

function anchorSettings(settings: ParsedSettings, dir: string): ParsedSettings {
  const kube = settings.kubernetes
  if (kube?.kubeconfig_path === undefined || isAbsolute(kube.kubeconfig_path)) return settings
  return { ...settings, kubernetes: { ...kube, kubeconfig_path: resolve(dir, kube.kubeconfig_path) } }
}

/** The runtime's view of the section; null when the file has none. Relative paths are taken from `dir`. */
export function resolveExecutors(
  parsed: ParsedExecutorsConfig | undefined,
  dir: string,
): ExecutorsConfig | null {
  if (parsed === undefined) return null
  // Partial settings leave absent types out (never set to undefined), as the record type needs.
  return {
    ...(parsed.default === undefined ? {} : { default: parsed.default }),
    ...(parsed.timeout === undefined ? {} : { timeout_ms: parsed.timeout }),
    ...(parsed.settings === undefined
      ? {}
      : { settings: anchorSettings(parsed.settings, dir) as Readonly<Record<string, ExecutorSettings>> }),
    ...(parsed.credentials === undefined ? {} : { credentials: anchorPaths(parsed.credentials, dir) }),
  }
}
