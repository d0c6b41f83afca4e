/**
 * Loading `airlock.config.yaml` (or `.ts` / `.mjs` / `.js` exporting
 * `defineConfig({...})`) into a {@link ResolvedConfig}.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { dirname, extname, isAbsolute, resolve } from 'node:path'
import { resolveShippedCatalog } from '../actions/shipped-catalogs.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ConfigError, type ConfigIssue } from '../errors/config-error.js'
import { createKeySet } from '../identity/tokens/key-set.js'
import {
  formatFieldPath,
  readYamlFile,
  sortByPosition,
  validateYaml,
  type YamlSource,
} from '../internal/yaml-source.js'
import { DEFAULT_RISK_SCORES } from '../limits/limits-config.js'
import { DEFAULT_TICKET_TTL_S } from '../tickets/issue-ticket.js'
import { configFileSchema, type ParsedConfigFile } from './config-schema.js'
import { resolveExecutors } from './executors-config-schema.js'
import { type EnvProblem, expandEnv } from './expand-env.js'
import { importModule } from './import-module.js'
import { resolveMetrics } from './metrics-config-schema.js'
import type {
  RateLimitEntry,
  ResolvedAuthConfig,
  ResolvedConfig,
  ResolvedKeysConfig,
  ResolvedLimitsConfig,
  ResolvedSealConfig,
} from './resolved-config.js'
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

const YAML = new Set(['.yaml', '.yml'])
const MODULE = new Set(['.ts', '.mts', '.mjs', '.js'])

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

/** A source without positions, so module configs report errors the same way YAML ones do (minus line numbers). */
function unlocatedSource(file: string, value: unknown): YamlSource {
  const issue = (path: readonly (string | number)[], message: string) => {
    const field = formatFieldPath(path)
    return { file, ...(field ? { field } : {}), message }
  }
  return {
    file,
    value,
    locate: () => undefined,
    issue,
    error: (path, message) => new ConfigError([issue(path, message)]),
  }
}

async function readModuleConfig(file: string): Promise<YamlSource> {
  let namespace: Record<string, unknown>
  try {
    namespace = await importModule(file)
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new ConfigError([{ file, message: `cannot load: ${message}` }], { cause })
  }
  const value = namespace.default ?? namespace.config
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([{ file, message: 'expected a default export made with defineConfig({...})' }])
  }
  return unlocatedSource(file, value)
}

function resolveStore(source: YamlSource, store: string, dir: string): string {
  const value = store.trim()
  if (value === 'memory' || value === 'memory:' || value === 'sqlite::memory:') return value
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase()
  if (scheme === 'sqlite') {
    let path = value.slice('sqlite:'.length)
    if (path.startsWith('//')) path = path.slice(2)
    if (path === '')
      throw source.error(['store'], 'expected a file after sqlite:, e.g. sqlite:./.airlock/airlock.db')
    return `sqlite:${resolve(dir, path)}`
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    try {
      new URL(value)
    } catch {
      throw source.error(['store'], 'expected a valid URL such as postgres://user@host:5432/database')
    }
    return value
  }
  throw source.error(
    ['store'],
    'expected memory, sqlite:<path> or postgres://user@host:port/database' +
      (scheme === undefined ? '' : ` (scheme '${scheme}:' is not supported)`),
  )
}

function resolveSeal(config: ParsedConfigFile, dir: string): ResolvedSealConfig | null {
  const seal = config.seal
  if (seal === undefined) return null
  if ('key_file' in seal) return { kind: 'key_file', path: resolve(dir, seal.key_file), key_id: seal.key_id }
  return { kind: 'keys', keys: { ...seal.keys }, current: seal.current }
}

function resolveAuth(auth: ParsedConfigFile['auth']): ResolvedAuthConfig {
  const jwt = auth.jwt
  return {
    api_keys: (auth.api_keys ?? []).map((k) => ({
      id: k.id,
      sha256: k.sha256,
      actor_id: k.actor_id,
      roles: k.roles,
      groups: k.groups,
      scopes: k.scopes,
      ...(k.tenant_id === undefined ? {} : { tenant_id: k.tenant_id }),
    })),
    jwt:
      jwt === undefined
        ? null
        : {
            issuer: jwt.issuer,
            audience: jwt.audience,
            ...(jwt.secret === undefined ? {} : { secret: jwt.secret }),
            ...(jwt.public_key === undefined ? {} : { public_key: jwt.public_key }),
            ...(jwt.jwks_url === undefined ? {} : { jwks_url: jwt.jwks_url }),
            ...(jwt.algorithms === undefined ? {} : { algorithms: jwt.algorithms }),
            ...(jwt.clock_tolerance === undefined ? {} : { clock_tolerance_ms: jwt.clock_tolerance }),
            ...(jwt.max_lifetime === undefined ? {} : { max_lifetime_ms: jwt.max_lifetime }),
            ...(jwt.require_tenant === undefined ? {} : { require_tenant: jwt.require_tenant }),
            ...(jwt.claims === undefined ? {} : { claims: stripUndefined(jwt.claims) }),
          },
    identity_tokens:
      auth.identity_tokens === undefined
        ? null
        : {
            audience: auth.identity_tokens.audience,
            clock_tolerance_ms: auth.identity_tokens.clock_tolerance ?? null,
          },
    api_key_header: auth.api_key_header ?? null,
    trusted_headers: auth.trusted_headers === undefined ? null : stripUndefined(auth.trusted_headers),
    anonymous: auth.anonymous === true,
    failed_attempts: {
      enabled: auth.failed_attempts?.enabled ?? true,
      max_failures: auth.failed_attempts?.max_failures ?? 20,
      window_ms: auth.failed_attempts?.window ?? 60_000,
      cooldown_ms: auth.failed_attempts?.cooldown ?? 60_000,
    },
  }
}

/**
 * Inline keys are checked here, where errors can still point at a line:
 * key material that does not import, or a set that cannot sign. A key file is
 * checked when it is read at start, since it may not exist yet.
 */
async function resolveKeys(
  source: YamlSource,
  config: ParsedConfigFile,
  dir: string,
): Promise<ResolvedKeysConfig | null> {
  const keys = config.keys
  if (keys === undefined) return null
  const common = { issuer: keys.issuer, signing_kid: keys.signing_kid ?? null }
  if (keys.jwks === undefined) return { kind: 'key_file', path: resolve(dir, keys.key_file!), ...common }
  let signer: string | null
  try {
    const set = await createKeySet({
      keys: keys.jwks,
      issuer: keys.issuer,
      ...(keys.signing_kid === undefined ? {} : { signing_kid: keys.signing_kid }),
    })
    signer = set.signing_kid
  } catch (error) {
    if (!(AirlockError.isInstance(error) && error.code === 'CONFIG_INVALID')) throw error
    const message = error.message.replace(/^Invalid key set: /, '')
    const index = /^keys\[(\d+)\]/.exec(message)?.[1]
    const path =
      index !== undefined
        ? ['keys', 'jwks', Number(index)]
        : message.startsWith('signing_kid')
          ? ['keys', 'signing_kid']
          : ['keys', 'jwks']
    throw source.error(path, message.replace(/^keys\[\d+\] ?:? ?/, ''))
  }
  if (signer === null) {
    throw source.error(
      ['keys', 'jwks'],
      'expected at least one private key (an Ed25519 JWK with d, or an HS256 JWK with k) to sign with',
    )
  }
  return { kind: 'jwks', jwks: keys.jwks, ...common }
}

/** Shipped catalogue names → their folders, loaded before the project's own actions. */
function resolveCatalogs(source: YamlSource, catalogs: readonly string[]): string[] {
  const issues: ConfigIssue[] = []
  const dirs: string[] = []
  for (const [i, name] of catalogs.entries()) {
    const found = resolveShippedCatalog(name)
    if (found.ok) dirs.push(found.dir)
    else issues.push(source.issue(['catalogs', i], found.message))
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return dirs
}

function rateLimit(limit: { max_requests: number; window: number }): RateLimitEntry {
  return { max_requests: limit.max_requests, window_ms: limit.window }
}

function resolveLimits(config: ParsedConfigFile): ResolvedLimitsConfig | null {
  const limits = config.limits
  if (limits === undefined) return null
  const breaker = limits.circuit_breaker
  const risk = limits.cumulative_risk
  return {
    redis: limits.redis ?? null,
    redis_prefix: limits.redis_prefix ?? 'airlock:',
    rate_limit: limits.rate_limit === undefined ? null : rateLimit(limits.rate_limit),
    action_rate_limits: Object.fromEntries(
      Object.entries(limits.action_rate_limits ?? {}).map(([name, limit]) => [name, rateLimit(limit)]),
    ),
    circuit_breaker:
      breaker === undefined
        ? null
        : { threshold: breaker.threshold, window_ms: breaker.window, cooldown_ms: breaker.cooldown },
    cumulative_risk:
      risk === undefined
        ? null
        : {
            window_ms: risk.window,
            risk_scores: { ...DEFAULT_RISK_SCORES, ...stripUndefined(risk.risk_scores ?? {}) },
            escalation_threshold: risk.escalation_threshold,
            deny_threshold: risk.deny_threshold,
          },
  }
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>
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
  const ext = extname(file).toLowerCase()
  let source: YamlSource
  if (YAML.has(ext)) source = await readYamlFile(file)
  else if (MODULE.has(ext)) {
    if (!existsSync(file)) throw new ConfigError([{ file, message: 'file not found' }])
    source = await readModuleConfig(file)
  } else {
    throw new ConfigError([
      {
        file,
        message: `expected a .yaml, .yml, .ts, .mts, .mjs or .js file, got '${ext || 'no extension'}'`,
      },
    ])
  }
  if (source.value === null || source.value === undefined) {
    throw source.error([], 'the file is empty; expected at least an auth section')
  }

  const problems: EnvProblem[] = []
  const expanded = expandEnv(source.value, options.env ?? process.env, problems)
  const parsed = validateAll(source, expanded, problems)
  const dir = dirname(file)
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p))
  const store = resolveStore(source, parsed.store, dir)
  const seal = resolveSeal(parsed, dir)
  const durable = !(store === 'memory' || store === 'memory:' || store === 'sqlite::memory:')
  if (durable && seal === null) {
    throw new ConfigError([
      source.issue(
        'store' in (expanded as Record<string, unknown>) ? ['store'] : [],
        `a durable store needs 'seal' keys to encrypt held requests' inputs; add seal: { key_file: ./.airlock/seal.key } (created on first start) or seal: { keys: { k1: \${AIRLOCK_SEAL_KEY} }, current: k1 }`,
      ),
    ])
  }

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
