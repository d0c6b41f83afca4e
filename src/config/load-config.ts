/**
 * Loading `airlock.config.yaml` (or `.ts` / `.mjs` / `.js` exporting
 * `defineConfig({...})`) into a {@link ResolvedConfig}.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { ConfigError } from '../errors/config-error.js'
import { sortByPosition, validateYaml, type YamlSource } from '../internal/yaml-source.js'
import { DEFAULT_TICKET_TTL_S } from '../tickets/issue-ticket.js'
import { configFileSchema, type ParsedConfigFile } from './config-schema.js'
import { resolveExecutors } from './executors-config-schema.js'
import { type EnvProblem, expandEnv } from './expand-env.js'
import { resolveMetrics } from './metrics-config-schema.js'
import { readConfigSource } from './read-config-source.js'
import { resolveAuth } from './resolve-auth.js'
import { resolveCatalogs } from './resolve-catalogs.js'
import { resolveKeys } from './resolve-keys.js'
import { resolveLimits } from './resolve-limits.js'
import { requireSealForDurableStore, resolveSeal, resolveStore } from './resolve-store.js'
import type { ResolvedConfig } from './resolved-config.js'
import { resolveShipping } from './shipping-config-schema.js'
import { resolveTransparency } from './transparency-config-schema.js'

/** File names `airlock` looks for, in this order, when no `--config` is given. */
export const CONFIG_FILE_NAMES = [
  'airlock.config.yaml',
  'airlock.config.yml',
  'airlock.config.ts',
  'airlock.config.mts',
  'airlock.config.mjs',
  'airlock.config.js',
] as const

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Variables `${NAME}` references are read from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/**
 * The first of {@link CONFIG_FILE_NAMES} present in `dir` or, failing that, in
 * the nearest folder above it that has one (as git finds its repository), or
 * null.
 */
export function findConfigFile(dir: string): string | null {
  let current = resolve(dir)
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = resolve(current, name)
      if (existsSync(file)) return file
    }
    const parent = dirname(current)
    if (parent === current) return null
    current = parent
  }
}

/** Schema problems and unset `${VAR}` references, reported together in file order. */
function validateAll(
  source: YamlSource,
  expanded: unknown,
  problems: readonly EnvProblem[],
): ParsedConfigFile {
  const envIssues = problems.map((p) => source.issue(p.path, p.message))
  let parsed: ParsedConfigFile
  try {
    parsed = validateYaml(source, configFileSchema, expanded)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    throw new ConfigError(sortByPosition([...envIssues, ...error.issues]))
  }
  if (envIssues.length > 0) throw new ConfigError(envIssues)
  return parsed
}

/**
 * Reads, validates and resolves a configuration file.
 *
 * @remarks Nothing is opened or created here (no store, no key file, no
 * action module loaded): see `createAirlockFromConfig` for that, and
 * `loadConfigSources` to load the files it names.
 *
 * @throws ConfigError naming the file, the key (and for YAML the line and
 * column) and what was expected, for every problem found: unknown keys,
 * malformed durations or sizes, unset `${VAR}` references, a durable store
 * without seal keys.
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const file = resolve(path)
  const source = await readConfigSource(file)

  const problems: EnvProblem[] = []
  const expanded = expandEnv(source.value, options.env ?? process.env, problems)
  const parsed = validateAll(source, expanded, problems)
  const dir = dirname(file)
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p))
  const store = resolveStore(source, parsed.store, dir)
  const seal = resolveSeal(parsed, dir)
  requireSealForDurableStore(source, expanded, store, seal)

  return {
    file,
    dir,
    store,
    actions: [...resolveCatalogs(source, parsed.catalogs), ...parsed.actions.map(at)],
    modules: parsed.modules.map(at),
    policies: parsed.policies.map(at),
    default_decision: parsed.default_decision,
    inventory: parsed.inventory === undefined ? null : at(parsed.inventory),
    auth: resolveAuth(parsed.auth),
    approvals: {
      ttl_ms: parsed.approvals.ttl,
      approver_roles: parsed.approvals.approver_roles,
      allow_self_approval: parsed.approvals.allow_self_approval,
      require_full_view: parsed.approvals.require_full_view,
      sweep_interval_ms: parsed.approvals.sweep_interval,
    },
    idempotency: {
      wait_ms: parsed.idempotency.wait,
      lease_ms: parsed.idempotency.lease,
      retention_ms: parsed.idempotency.retention,
      scope: parsed.idempotency.scope,
    },
    seal,
    keys: await resolveKeys(source, parsed, dir),
    tickets: {
      ttl_ms: parsed.tickets?.ttl ?? DEFAULT_TICKET_TTL_S * 1000,
      audience: parsed.tickets?.audience ?? null,
    },
    limits: resolveLimits(parsed),
    redaction: parsed.redaction ?? null,
    channels: parsed.channels
      ? {
          webhook: parsed.channels.webhook ?? null,
          slack: parsed.channels.slack
            ? { ...parsed.channels.slack, api_base_url: parsed.channels.slack.api_base_url ?? null }
            : null,
        }
      : null,
    server: {
      host: parsed.server.host,
      port: parsed.server.port,
      base_path: parsed.server.base_path,
      body_limit: parsed.server.body_limit,
      shutdown_timeout_ms: parsed.server.shutdown_timeout,
      log_level: parsed.server.log_level,
      log_format: parsed.server.log_format,
      banner: parsed.server.banner ?? null,
      admin_roles: parsed.server.admin_roles,
      auditor_roles: parsed.server.auditor_roles,
    },
    mcp: parsed.mcp ?? null,
    shipping: resolveShipping(parsed.shipping, dir),
    dashboard: {
      enabled: parsed.dashboard.enabled,
      auditor_roles: parsed.dashboard.auditor_roles,
      session_ttl_ms: parsed.dashboard.session_ttl,
      session_idle_ms: parsed.dashboard.session_idle,
      secure_cookies: parsed.dashboard.secure_cookies ?? null,
      demo: parsed.dashboard.demo,
    },
    policy: {
      label: parsed.policy.label ?? null,
      watch: parsed.policy.watch,
      watch_debounce_ms: parsed.policy.watch_debounce,
      shadow: parsed.policy.shadow === undefined ? null : at(parsed.policy.shadow),
      announce_interval_ms: parsed.policy.announce_interval,
    },
    unknown_actions: parsed.unknown_actions,
    audit_checks: parsed.audit_checks,
    executors: resolveExecutors(parsed.executors, dir),
    transparency: resolveTransparency(parsed.transparency, dir),
    metrics: resolveMetrics(parsed.metrics),
    tracing: parsed.tracing?.enabled ?? false,
  }
}
