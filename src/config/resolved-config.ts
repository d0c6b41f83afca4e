import type { RedactionConfig } from '../audit/redact.js'
import type { DecisionResult } from '../policy/decision.js'

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

/** How callers are identified. */
export interface ResolvedAuthConfig {
  readonly api_keys: readonly ApiKeyEntry[]
  readonly api_key_header: string | null
  readonly jwt: JwtAuthEntry | null
  readonly trusted_headers: TrustedHeadersEntry | null
  /** True only when the file says `anonymous: true`: every request is served as an anonymous caller. */
  readonly anonymous: boolean
}

/** Where the seal keys come from. */
export type ResolvedSealConfig =
  | { readonly kind: 'keys'; readonly keys: Readonly<Record<string, string>>; readonly current: string }
  /** A key file (absolute path), created with mode 0600 on first use. */
  | { readonly kind: 'key_file'; readonly path: string; readonly key_id: string }

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

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
  /** Printed once when the server starts; null when not configured. */
  readonly banner: string | null
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
    /** How often `airlock serve` expires overdue approvals. */
    readonly sweep_interval_ms: number
  }
  readonly idempotency: { readonly wait_ms: number; readonly lease_ms: number; readonly retention_ms: number }
  /** Null only with the memory store, which makes up a key per process. */
  readonly seal: ResolvedSealConfig | null
  readonly redaction: RedactionConfig | null
  readonly server: ServerConfig
  readonly unknown_actions: 'deny' | 'evaluate'
  readonly audit_checks: boolean
}
