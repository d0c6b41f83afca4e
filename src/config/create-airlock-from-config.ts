/**
 * The composition root for configuration files: loads what a
 * {@link ResolvedConfig} names, opens its store and wires a pipeline.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Hono } from 'hono'
import { type Airlock, createAirlock } from '../airlock.js'
import type { Channel } from '../approvals/channels/channel.js'
import { slackChannel } from '../approvals/channels/slack/slack-channel.js'
import { slackInteractions } from '../approvals/channels/slack/slack-interactions.js'
import { webhookChannel } from '../approvals/channels/webhook/webhook-channel.js'
import type { SealerConfig } from '../audit/seal.js'
import type { AuthThrottleOptions } from '../http/auth-throttle.js'
import { metricsApp } from '../http/metrics-app.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import type { AirlockMetrics } from '../metrics/airlock-metrics.js'
import { instrumentStore } from '../metrics/instrument-store.js'
import { type PrometheusMetrics, prometheusMetrics } from '../metrics/prometheus/prometheus-metrics.js'
import type { PolicySet } from '../policy/versioning/policy-set.js'
import { openStore } from '../store/open-store.js'
import { sqliteFileOf } from '../store/sqlite-url.js'
import type { Store } from '../store/store.js'
import {
  type OpenTelemetryTracing,
  openTelemetryTracing,
  type RequestTracing,
} from '../tracing/otel-tracing.js'
import { authFromConfig } from './auth-from-config.js'
import { keysFromConfig } from './keys-from-config.js'
import { type ConfiguredLimits, limitsFromConfig } from './limits-from-config.js'
import type { ConfigSources } from './load-config-sources.js'
import { loadPolicySet } from './policy-set-from-config.js'
import { createPolicyReloader, type PolicyReloader } from './reload-policy.js'
import type { ResolvedConfig, ServerConfig } from './resolved-config.js'
import { loadSealKeyFile } from './seal-key-file.js'
import { type ConfiguredTransparency, transparencyFromConfig } from './transparency-from-config.js'

/** What the HTTP app needs from a configuration (pass to `createHttpApp` with a logger). */
export interface ConfiguredHttpOptions {
  /** Tried in order; the first that recognises the credential decides. */
  readonly auth: readonly AuthBackend[]
  readonly base_path: string
  readonly body_limit: number
  /** Self-authenticating apps served beside the API (the Slack interactions endpoint). */
  readonly mount: readonly { readonly path: string; readonly app: Hono }[]
  /** Roles that may reload policy and freeze or unfreeze requests. */
  readonly admin_roles: readonly string[]
  /** Who reads the tenant's whole record (`server.auditor_roles`). */
  readonly auditor_roles: readonly string[]
  /** Who sees pending approvals to decide (`approvals.approver_roles`). */
  readonly approver_roles: readonly string[]
  /** Request and error counts for `/metrics`, when metrics are configured. */
  readonly metrics?: Pick<AirlockMetrics, 'request' | 'error'>
  /** Server spans per request, when tracing is configured. */
  readonly tracing?: RequestTracing
  /** Failed-authentication throttling, or false when `auth.failed_attempts.enabled` is off. */
  readonly auth_throttle: AuthThrottleOptions | false
}

/** A wired pipeline plus what serving it needs. */
export interface ConfiguredAirlock {
  readonly airlock: Airlock
  readonly httpOptions: ConfiguredHttpOptions
  readonly server: ServerConfig
  readonly config: ResolvedConfig
  readonly sources: ConfigSources
  /** The signed Merkle log when configured; `airlock serve` starts it, closing the airlock checkpoints it. */
  readonly transparency: ConfiguredTransparency | null
  /** Reloads the policy set from the configuration's files (SIGHUP, `POST /policy/reload`, the watcher). */
  readonly reload: PolicyReloader
  /** What `/metrics` reports, when metrics are configured (`airlock serve` adds the shippers' lag). */
  readonly metrics: AirlockMetrics | null
}

/** `auth.failed_attempts`, counted where the limits count (Redis when `limits.redis` is set). */
function throttleFromConfig(
  config: ResolvedConfig,
  limits: ConfiguredLimits | undefined,
): AuthThrottleOptions | false {
  const t = config.auth.failed_attempts
  if (!t.enabled) return false
  return {
    max_failures: t.max_failures,
    window_ms: t.window_ms,
    cooldown_ms: t.cooldown_ms,
    ...(limits ? { backend: limits.counters } : {}),
  }
}

/** Options of {@link createAirlockFromConfig}. */
export interface CreateFromConfigOptions {
  /** Use this store URL instead of the configured one (e.g. `airlock serve --store`). */
  readonly store?: string
  /** Apply pending store migrations before returning. Default true. */
  readonly migrate?: boolean
}

/** The dashboard at `/ui` under the API's base path, deciding through the same pipeline. */
async function dashboardMount(
  config: ResolvedConfig,
  airlock: Airlock,
  auth: readonly AuthBackend[],
  sources: ConfigSources,
): Promise<{ path: string; app: Hono }> {
  // Loaded only when enabled: its pages are .tsx modules, which a plain TypeScript loader cannot run.
  const { createDashboard } = await import('../dashboard/create-dashboard.js')
  const d = config.dashboard
  const app = createDashboard(airlock, {
    auth,
    path: `${config.server.base_path.replace(/\/+$/, '')}/ui`,
    approver_roles: config.approvals.approver_roles,
    auditor_roles: d.auditor_roles,
    rules: sources.rules,
    default_decision: config.default_decision,
    ...(sources.inventory ? { targets: sources.inventory } : {}),
    session_ttl_ms: d.session_ttl_ms,
    session_idle_ms: d.session_idle_ms,
    ...(d.secure_cookies === null ? {} : { secure_cookies: d.secure_cookies }),
    demo: d.demo,
  })
  return { path: '/ui', app: app as unknown as Hono }
}

async function sealConfig(config: ResolvedConfig): Promise<SealerConfig | undefined> {
  const seal = config.seal
  if (seal === null) return undefined
  if (seal.kind === 'keys') return { keys: seal.keys, current: seal.current }
  return loadSealKeyFile(seal.path, seal.key_id)
}

/** The shadow candidate: the configured actions and inventory with the candidate's policies. */
async function loadShadow(config: ResolvedConfig): Promise<PolicySet | null> {
  if (config.policy.shadow === null) return null
  const paths = { ...config, policies: [config.policy.shadow] }
  const { set } = await loadPolicySet(paths, { label: 'shadow', base: config.dir })
  return set
}

/**
 * Loads the actions, policies and inventory of `config`, opens (and by
 * default migrates) its store, reads or creates its seal key and signing
 * keys, connects the limits' Redis when configured, builds its auth backends
 * and wires them into an {@link Airlock}.
 *
 * @remarks The folders of a SQLite file and of key files are created when
 * missing. If anything fails after the store or Redis was opened, they are
 * closed before the error propagates. Closing the returned `airlock` closes
 * the store and the Redis connection.
 *
 * @throws ConfigError for invalid files or settings; AirlockError
 * `STORE_ERROR` when the store or the limits' Redis cannot be reached.
 */
export async function createAirlockFromConfig(
  config: ResolvedConfig,
  options: CreateFromConfigOptions = {},
): Promise<ConfiguredAirlock> {
  const { set: loaded, sources } = await loadPolicySet(config, {
    label: config.policy.label,
    base: config.dir,
  })
  const shadow = await loadShadow(config)
  const keys = await keysFromConfig(config)
  const auth = authFromConfig(config, { keys })
  const storeUrl = options.store ?? config.store
  const seal = await sealConfig(config)
  const sqliteFile = sqliteFileOf(storeUrl)
  if (sqliteFile !== null) await mkdir(dirname(sqliteFile), { recursive: true })
  const opened: Store = await openStore(storeUrl)
  let prometheus: PrometheusMetrics | undefined
  let tracing: OpenTelemetryTracing | undefined
  try {
    prometheus = config.metrics ? await prometheusMetrics() : undefined
    tracing = config.tracing ? await openTelemetryTracing() : undefined
  } catch (error) {
    await opened.close().catch(() => undefined)
    throw error
  }
  const store = prometheus ? instrumentStore(opened, prometheus.metrics) : opened
  prometheus?.metrics.approvalsPending(() => store.approvals.countPending())
  let limits: ConfiguredLimits | undefined
  try {
    if (options.migrate ?? true) await store.migrate()
    limits = await limitsFromConfig(config, {
      ...(config.unknown_actions === 'deny'
        ? { isAction: (name: string) => sources.registry.get(name) !== undefined }
        : {}),
    })
    const configuredLimits = limits
    const transparency = await transparencyFromConfig(config.transparency, store)
    const slack = config.channels?.slack ?? null
    const webhook = config.channels?.webhook ?? null
    const channels: Channel[] = [
      ...(webhook ? [webhookChannel(webhook)] : []),
      ...(slack
        ? [
            slackChannel({
              bot_token: slack.bot_token,
              channel: slack.channel,
              ...(slack.api_base_url === null ? {} : { api_base_url: slack.api_base_url }),
            }),
          ]
        : []),
    ]
    const airlock = createAirlock({
      channels,
      actions: sources.registry,
      policies: sources.rules,
      default_decision: config.default_decision,
      ...(sources.inventory ? { inventory: sources.inventory } : {}),
      store,
      approvals: {
        ttl_ms: config.approvals.ttl_ms,
        approver_roles: config.approvals.approver_roles,
        allow_self_approval: config.approvals.allow_self_approval,
        require_full_view: config.approvals.require_full_view,
      },
      idempotency: {
        wait_ms: config.idempotency.wait_ms,
        lease_ms: config.idempotency.lease_ms,
        retention_ms: config.idempotency.retention_ms,
        scope: config.idempotency.scope,
      },
      ...(config.redaction === null ? {} : { redaction: config.redaction }),
      ...(seal === undefined ? {} : { seal }),
      unknown_actions: config.unknown_actions,
      policy: { label: loaded.label, content_hash: loaded.hash, files: loaded.files, shadow },
      audit_checks: config.audit_checks,
      ...(config.executors === null ? {} : { executors: config.executors }),
      ...(configuredLimits
        ? { limits: configuredLimits.limits, on_close: () => configuredLimits.close() }
        : {}),
      ...(transparency ? { on_drained: () => transparency.stop() } : {}),
      ...(tracing ? { tracer: tracing.stages } : {}),
      ...(configuredLimits?.dependency ? { dependencies: [configuredLimits.dependency] } : {}),
      ...(keys
        ? {
            keys,
            tickets: {
              ttl_s: config.tickets.ttl_ms / 1000,
              ...(config.tickets.audience === null ? {} : { audience: config.tickets.audience }),
            },
          }
        : {}),
    })
    return {
      airlock,
      httpOptions: {
        auth,
        auth_throttle: throttleFromConfig(config, configuredLimits),
        base_path: config.server.base_path,
        body_limit: config.server.body_limit,
        admin_roles: config.server.admin_roles,
        auditor_roles: config.server.auditor_roles,
        approver_roles: config.approvals.approver_roles,
        mount: [
          ...(slack
            ? [
                {
                  path: slack.path,
                  app: slackInteractions(airlock, {
                    bot_token: slack.bot_token,
                    signing_secret: slack.signing_secret,
                    users: Object.fromEntries(
                      Object.entries(slack.users).map(([id, u]) => [
                        id,
                        {
                          actor_id: u.actor_id,
                          roles: u.roles,
                          ...(u.tenant_id ? { tenant_id: u.tenant_id } : {}),
                        },
                      ]),
                    ),
                    ...(slack.api_base_url === null ? {} : { api_base_url: slack.api_base_url }),
                  }),
                },
              ]
            : []),
          ...(config.dashboard.enabled ? [await dashboardMount(config, airlock, auth, sources)] : []),
          ...(prometheus && config.metrics
            ? [{ path: '/metrics', app: metricsApp({ render: prometheus.render, ...config.metrics, auth }) }]
            : []),
        ],
        ...(prometheus ? { metrics: prometheus.metrics } : {}),
        ...(tracing ? { tracing: tracing.requests } : {}),
      },
      server: config.server,
      config,
      sources,
      transparency,
      reload: createPolicyReloader(airlock, config),
      metrics: prometheus?.metrics ?? null,
    }
  } catch (error) {
    await limits?.close()
    await store.close().catch(() => undefined)
    throw error
  }
}
