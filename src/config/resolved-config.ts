import type { JWK } from 'jose'
import type { RedactionConfig } from '../audit/redact.js'
import type { ExecutorsConfig } from '../executors/execution-runtime.js'
import type { DecisionResult } from '../policy/decision.js'
import type { RiskClass } from '../policy/risk-matrix.js'
import type { McpConfig } from './mcp-config-schema.js'
import type { MetricsConfig } from './metrics-config-schema.js'
import type { ResolvedShippingConfig } from './shipping-config-schema.js'
import type { TransparencyConfig } from './transparency-config-schema.js'

/** One API key as configured: only the SHA-256 of the secret is kept. */
export interface ApiKeyEntry {
  readonly id: string
  readonly sha256: string
  readonly actor_id: string
  readonly roles: readonly string[]
  readonly groups: readonly string[]
  readonly scopes: readonly string[]
  readonly tenant_id?: string
}

/** JWT verification settings (exactly one of `secret`, `public_key`, `jwks_url`). */
export interface JwtAuthEntry {
  readonly issuer: string | readonly string[]
  readonly audience: string | readonly string[]
  readonly secret?: string
  readonly public_key?: string
  readonly jwks_url?: string
  readonly algorithms?: readonly string[]
  readonly clock_tolerance_ms?: number
  readonly max_lifetime_ms?: number
  readonly require_tenant?: boolean
  readonly claims?: {
    readonly actor?: string
    readonly roles?: string
    readonly groups?: string
    readonly scopes?: string
    readonly tenant?: string
  }
}

/** Identity set by a fronting proxy that has already authenticated the caller. */
export interface TrustedHeadersEntry {
  readonly shared_secret?: string
  readonly header?: string
}

/** Bearer identity tokens minted with the gateway's own `keys` (`airlock token issue`, `delegate`). */
export interface IdentityTokensEntry {
  /** `aud` every token must carry. */
  readonly audience: string
  /** Allowed clock skew; null for the default (5 s). */
  readonly clock_tolerance_ms: number | null
}

/** How callers are identified. */
export interface ResolvedAuthConfig {
  readonly api_keys: readonly ApiKeyEntry[]
  readonly api_key_header: string | null
  readonly jwt: JwtAuthEntry | null
  readonly identity_tokens: IdentityTokensEntry | null
  readonly trusted_headers: TrustedHeadersEntry | null
  /** True only when the file says `anonymous: true`: every request is served as an anonymous caller. */
  readonly anonymous: boolean
  /** Failed-authentication throttling (`auth.failed_attempts`); on by default. */
  readonly failed_attempts: {
    readonly enabled: boolean
    readonly max_failures: number
    readonly window_ms: number
    readonly cooldown_ms: number
  }
}

/** Where the seal keys come from. */
export type ResolvedSealConfig =
  | { readonly kind: 'keys'; readonly keys: Readonly<Record<string, string>>; readonly current: string }
  /** A key file (absolute path), created with mode 0600 on first use. */
  | { readonly kind: 'key_file'; readonly path: string; readonly key_id: string }

/** Where the signing keys of identity tokens and execution tickets come from. */
export type ResolvedKeysConfig = (
  | /** A private JWK Set in a file (absolute path), created (0600, Ed25519) on first use. */
  { readonly kind: 'key_file'; readonly path: string }
  | { readonly kind: 'jwks'; readonly jwks: readonly JWK[] }
) & {
  /** `iss` of issued tokens and the issuer expected of presented ones. */
  readonly issuer: string
  /** The key that signs; null for the first key with a private part. */
  readonly signing_kid: string | null
}

/** Execution tickets returned by `check()` on allow and minted for approved requests. */
export interface ResolvedTicketsConfig {
  /** Lifetime, in whole seconds' worth of milliseconds. */
  readonly ttl_ms: number
  /** `aud` of tickets: the executor that redeems them; null for none. */
  readonly audience: string | null
}

/** A sliding-window rate limit. */
export interface RateLimitEntry {
  readonly max_requests: number
  readonly window_ms: number
}

/** Rate limits, circuit breaker and cumulative risk, keyed by the authenticated principal. */
export interface ResolvedLimitsConfig {
  /** Redis URL shared by every replica; null keeps counters in this process's memory. */
  readonly redis: string | null
  /** Prefix of every Redis key. */
  readonly redis_prefix: string
  readonly rate_limit: RateLimitEntry | null
  /** By action name; `*` applies to every action not named. */
  readonly action_rate_limits: Readonly<Record<string, RateLimitEntry>>
  readonly circuit_breaker: {
    readonly threshold: number
    readonly window_ms: number
    readonly cooldown_ms: number
  } | null
  readonly cumulative_risk: {
    readonly window_ms: number
    readonly risk_scores: Readonly<Record<RiskClass, number>>
    readonly escalation_threshold: number
    readonly deny_threshold: number
  } | null
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** The dashboard served at `<base_path>/ui`. */
export interface DashboardConfig {
  readonly enabled: boolean
  readonly auditor_roles: readonly string[]
  readonly session_ttl_ms: number
  readonly session_idle_ms: number
  /** Null: set `Secure` when the request came over HTTPS. */
  readonly secure_cookies: boolean | null
  readonly demo: boolean
}

/** Settings of `airlock serve`. */
export interface ServerConfig {
  readonly host: string
  readonly port: number
  readonly base_path: string
  /** Largest accepted request body, in bytes. */
  readonly body_limit: number
  /** How long in-flight requests may take to finish after a shutdown signal. */
  readonly shutdown_timeout_ms: number
  readonly log_level: LogLevel
  /** `auto` (pretty on a terminal, JSON otherwise), `json` or `pretty`. */
  readonly log_format: 'auto' | 'json' | 'pretty'
  /** Printed once when the server starts; null when not configured. */
  readonly banner: string | null
  /** Roles that may reload policy and freeze or unfreeze requests over HTTP. */
  readonly admin_roles: readonly string[]
  /** Roles that read every audit event and approval of their tenant over the API. */
  readonly auditor_roles: readonly string[]
}

/**
 * A validated configuration: defaults applied, durations in milliseconds,
 * sizes in bytes, every path absolute (relative paths are taken from the
 * config file's folder), environment references expanded.
 */
export interface ResolvedConfig {
  /** Absolute path of the file it was loaded from. */
  readonly file: string
  /** The folder relative paths were resolved against. */
  readonly dir: string
  /** Store URL; a relative SQLite path is made absolute. */
  readonly store: string
  readonly actions: readonly string[]
  readonly modules: readonly string[]
  readonly policies: readonly string[]
  readonly default_decision: DecisionResult
  readonly inventory: string | null
  readonly auth: ResolvedAuthConfig
  readonly approvals: {
    readonly ttl_ms: number
    readonly approver_roles: readonly string[]
    readonly allow_self_approval: boolean
    /** Refuse approvals through channels that could not show the whole request. */
    readonly require_full_view: boolean
    /** How often `airlock serve` expires overdue approvals. */
    readonly sweep_interval_ms: number
  }
  readonly idempotency: {
    readonly wait_ms: number
    readonly lease_ms: number
    readonly retention_ms: number
    /** Who shares a key: each actor its own, or the whole tenant. */
    readonly scope: 'actor' | 'tenant'
  }
  /** Null only with the memory store, which makes up a key per process. */
  readonly seal: ResolvedSealConfig | null
  /** Signing keys; null when not configured (no tickets, no identity tokens, no JWKS). */
  readonly keys: ResolvedKeysConfig | null
  readonly tickets: ResolvedTicketsConfig
  /** Null when the file has no limits section. */
  readonly limits: ResolvedLimitsConfig | null
  readonly redaction: RedactionConfig | null
  /** Where held requests are announced; null when none are configured. */
  readonly channels: ResolvedChannelsConfig | null
  readonly server: ServerConfig
  /** How MCP tool calls are governed; null when the file has no `mcp` section. */
  readonly mcp: McpConfig | null
  readonly dashboard: DashboardConfig
  readonly policy: ResolvedPolicyConfig
  readonly unknown_actions: 'deny' | 'evaluate'
  readonly audit_checks: boolean
  /** How actions without an in-process handler run; null when the file has no executors section. */
  readonly executors: ExecutorsConfig | null
  /** The signed Merkle log over the audit chain (`enabled: false` when the file has no section). */
  readonly transparency: TransparencyConfig
  /** Audit shippers `airlock serve` runs; null when the file has no shipping section. */
  readonly shipping: ResolvedShippingConfig | null
  /** `GET /metrics`; null when the file has no enabled metrics section. */
  readonly metrics: MetricsConfig | null
  /** OpenTelemetry spans; false unless the file has an enabled tracing section. */
  readonly tracing: boolean
}

/** `policy:` with paths resolved. */
export interface ResolvedPolicyConfig {
  readonly label: string | null
  readonly watch: boolean
  readonly watch_debounce_ms: number
  /** Absolute path of the shadow candidate's policy file or folder; null when not shadowing. */
  readonly shadow: string | null
  readonly announce_interval_ms: number
}

/** Channels that announce held requests, as configured. */
export interface ResolvedChannelsConfig {
  readonly webhook: { readonly url: string; readonly secret: string; readonly allow_private: boolean } | null
  readonly slack: {
    readonly bot_token: string
    readonly channel: string
    readonly signing_secret: string
    readonly users: Readonly<
      Record<
        string,
        {
          readonly actor_id: string
          readonly roles: readonly string[]
          readonly tenant_id?: string | undefined
        }
      >
    >
    readonly path: string
    readonly api_base_url: string | null
  } | null
}
