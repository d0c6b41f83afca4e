/**
 * Configuration files: `airlock.config.yaml`, or `airlock.config.ts` /
 * `.mjs` exporting `defineConfig({...})`.
 *
 * @module
 */
export { type AuthFromConfigOptions, authFromConfig } from './auth-from-config.js'
export { type ConfigSummary, checkConfig } from './check-config.js'
export {
  type ConfigFile,
  configFileSchema,
  DEFAULT_CONFIG_STORE,
  DEFAULT_IDENTITY_AUDIENCE,
  type ParsedConfigFile,
} from './config-schema.js'
export {
  type ConfiguredAirlock,
  type ConfiguredHttpOptions,
  type CreateFromConfigOptions,
  createAirlockFromConfig,
} from './create-airlock-from-config.js'
export { defineConfig } from './define-config.js'
export { type KeysFromConfigOptions, keysFromConfig } from './keys-from-config.js'
export {
  type ConfiguredLimits,
  type LimitsFromConfigOptions,
  limitsFromConfig,
} from './limits-from-config.js'
export { isActionDefinition, loadActionModules } from './load-action-modules.js'
export { CONFIG_FILE_NAMES, findConfigFile, type LoadConfigOptions, loadConfig } from './load-config.js'
export { type ConfigSources, loadConfigSources } from './load-config-sources.js'
export { BYTE_SIZE_EXPECTED, parseByteSize } from './parse-byte-size.js'
export { DURATION_EXPECTED, parseDuration } from './parse-duration.js'
export type {
  ApiKeyEntry,
  IdentityTokensEntry,
  JwtAuthEntry,
  LogLevel,
  RateLimitEntry,
  ResolvedAuthConfig,
  ResolvedConfig,
  ResolvedKeysConfig,
  ResolvedLimitsConfig,
  ResolvedSealConfig,
  ResolvedTicketsConfig,
  ServerConfig,
  TrustedHeadersEntry,
} from './resolved-config.js'
export { type ScaffoldResult, scaffoldProject } from './scaffold-project.js'
export { loadSealKeyFile } from './seal-key-file.js'
export {
  type LoadSigningKeyFileOptions,
  loadSigningKeyFile,
  type SigningKeyFile,
} from './signing-key-file.js'
