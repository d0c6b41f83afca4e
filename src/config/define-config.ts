import type { ConfigFile } from './config-schema.js'

/**
 * Types an `airlock.config.ts` (or `.mjs`) default export. Returns its
 * argument unchanged; validation happens when the file is loaded, exactly as
 * for `airlock.config.yaml`.
 *
 * @example
 * ```ts
 * export default defineConfig({
 *   store: 'sqlite:./.airlock/airlock.db',
 *   modules: ['./actions.ts'],
 *   policies: ['./policies'],
 *   auth: { api_keys: [{ id: 'agent', sha256: process.env.AGENT_KEY_SHA256!, actor_id: 'agent-1' }] },
 *   seal: { key_file: './.airlock/seal.key' },
 * })
 * ```
 */
export function defineConfig(config: ConfigFile): ConfigFile {
  return config
}
