import { authFromConfig } from './auth-from-config.js'
import { keysFromConfig } from './keys-from-config.js'
import { type LoadConfigOptions, loadConfig } from './load-config.js'
import { loadConfigSources } from './load-config-sources.js'

/** What {@link checkConfig} found. */
export interface ConfigSummary {
  readonly file: string
  /** The store kind (`sqlite`, `postgres`, `memory`); the URL itself may hold a password. */
  readonly store: string
  readonly actions: number
  readonly rules: number
  readonly targets: number | null
  /** Auth backends in the order they are tried. */
  readonly auth: readonly string[]
}

/**
 * Loads a configuration and everything it names, as `airlock serve` would,
 * without side effects: no store is opened, no key file created, no port bound.
 *
 * @throws ConfigError listing every problem with file, line, column and key.
 */
export async function checkConfig(path: string, options: LoadConfigOptions = {}): Promise<ConfigSummary> {
  const config = await loadConfig(path, options)
  const sources = await loadConfigSources(config)
  // A key file that does not exist yet is not an error: serve creates it.
  const keys = await keysFromConfig(config, { create: false })
  const auth = authFromConfig(config, { keys }).map((b) => b.name)
  return {
    file: config.file,
    store: /^([a-z]+):/.exec(config.store)?.[1] ?? config.store,
    actions: sources.registry.size,
    rules: sources.rules.length,
    targets: sources.inventory?.list().length ?? null,
    auth,
  }
}
