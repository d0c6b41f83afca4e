import { AirlockError } from '../errors/airlock-error.js'
import { ConfigError } from '../errors/config-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Dependency } from '../health/dependency.js'
import { createLimits, type Limits } from '../limits/create-limits.js'
import type { LimitsBackend } from '../limits/limits-backend.js'
import type { LimitsConfig, RateLimitConfig } from '../limits/limits-config.js'
import { memoryLimits } from '../limits/memory/memory-limits.js'
import type { RedisScriptClient } from '../limits/redis/redis-client.js'
import { redisLimits } from '../limits/redis/redis-limits.js'
import type { RateLimitEntry, ResolvedConfig, ResolvedLimitsConfig } from './resolved-config.js'

/** The limits stage a configuration asks for, and how to let go of what it opened. */
export interface ConfiguredLimits {
  readonly limits: Limits
  /** `memory` or `redis`. */
  readonly backend: string
  /** The counters behind the limits; the failed-authentication throttle keeps its counts there too. */
  readonly counters: LimitsBackend
  /** Closes the Redis connection opened for the limits; a no-op for memory. */
  close(): Promise<void>
  /** Redis, as readiness reports it; null for memory. */
  readonly dependency: Dependency | null
}

/** Options of {@link limitsFromConfig}. */
export interface LimitsFromConfigOptions {
  /**
   * Whether an action name is one requests may use. When given, a per-action
   * rate limit naming anything else is an error: a typo there would leave
   * the real action unlimited.
   */
  readonly isAction?: (name: string) => boolean
}

/** The slice of an ioredis client this module drives, on top of what `redisLimits` uses. */
interface OwnedRedisClient extends RedisScriptClient {
  connect(): Promise<void>
  ping(): Promise<string>
  quit(): Promise<unknown>
  disconnect(): void
  on(event: 'error', listener: (error: Error) => void): unknown
}

type RedisConstructor = new (url: string, options: Record<string, unknown>) => OwnedRedisClient

const CONNECT_TIMEOUT_MS = 5_000
/** How long one limiter command may take before the request answers 503 LIMITS_UNAVAILABLE. */
const COMMAND_TIMEOUT_MS = 2_000

/** The URL without user or password, for messages. */
function shownUrl(url: string): string {
  const u = new URL(url)
  return `${u.protocol}//${u.hostname}${u.port === '' ? '' : `:${u.port}`}${u.pathname === '/' ? '' : u.pathname}`
}

async function loadRedis(config: ResolvedConfig): Promise<RedisConstructor> {
  try {
    const module = (await import('ioredis')) as unknown as { Redis: RedisConstructor }
    return module.Redis
  } catch (error) {
    throw new ConfigError(
      [
        {
          file: config.file,
          field: 'limits.redis',
          message: 'Redis limits need the optional package ioredis: npm install ioredis',
        },
      ],
      { cause: error },
    )
  }
}

/**
 * Connects and pings, so an unreachable or misconfigured Redis stops the
 * start instead of failing the first request.
 */
async function connectRedis(config: ResolvedConfig, url: string): Promise<OwnedRedisClient> {
  const Redis = await loadRedis(config)
  const client = new Redis(url, {
    lazyConnect: true,
    // Named, so an operator can tell the gateway's connections apart in CLIENT LIST.
    connectionName: 'airlock-limits',
    connectTimeout: CONNECT_TIMEOUT_MS,
    // While disconnected a request fails at once (closed: the pipeline turns
    // it into LIMITS_UNAVAILABLE, never an unlimited admit) instead of queueing
    // until Redis returns; the client keeps reconnecting in the background.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // A command written just as the connection drops is kept for resending
    // and, with the server refusing, would wait forever: bound it.
    commandTimeout: COMMAND_TIMEOUT_MS,
  })
  let lastError: Error | undefined
  // ioredis reports every failed reconnection as an event; without a listener
  // it prints each one. The commands that fail meanwhile carry the cause.
  client.on('error', (error) => {
    lastError = error
  })
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    client.disconnect()
    // connect() rejects with "Connection is closed"; the error event has the cause.
    const cause = lastError ?? error
    const detail = cause instanceof Error ? cause.message : String(cause)
    throw new AirlockError(
      ErrorCode.STORE_ERROR,
      `${config.file}: limits.redis: cannot reach Redis at ${shownUrl(url)}: ${detail}`,
      { cause },
    )
  }
  return client
}

function rate(entry: RateLimitEntry): RateLimitConfig {
  return { max_requests: entry.max_requests, window_s: entry.window_ms / 1000 }
}

function toLimitsConfig(limits: ResolvedLimitsConfig, backend: LimitsBackend): LimitsConfig {
  const breaker = limits.circuit_breaker
  const risk = limits.cumulative_risk
  return {
    backend,
    ...(limits.rate_limit === null ? {} : { rate_limit: rate(limits.rate_limit) }),
    action_rate_limits: Object.fromEntries(
      Object.entries(limits.action_rate_limits).map(([name, entry]) => [name, rate(entry)]),
    ),
    ...(breaker === null
      ? {}
      : {
          circuit_breaker: {
            threshold: breaker.threshold,
            window_s: breaker.window_ms / 1000,
            cooldown_s: breaker.cooldown_ms / 1000,
          },
        }),
    ...(risk === null
      ? {}
      : {
          cumulative_risk: {
            window_s: risk.window_ms / 1000,
            risk_scores: risk.risk_scores,
            escalation_threshold: risk.escalation_threshold,
            deny_threshold: risk.deny_threshold,
          },
        }),
  }
}

/**
 * Builds the limits a configuration's `limits` section asks for, or
 * undefined when it has none. With `limits.redis` it opens (and owns) a Redis
 * connection, which {@link ConfiguredLimits.close} closes.
 *
 * @throws ConfigError naming `limits.*` for settings the limits refuse, an
 * unknown action in `action_rate_limits`, or ioredis missing; AirlockError
 * `STORE_ERROR` naming the file and `limits.redis` when Redis cannot be
 * reached.
 */
export async function limitsFromConfig(
  config: ResolvedConfig,
  options: LimitsFromConfigOptions = {},
): Promise<ConfiguredLimits | undefined> {
  const limits = config.limits
  if (limits === null) return undefined
  const unknown = Object.keys(limits.action_rate_limits).filter(
    (name) => name !== '*' && options.isAction !== undefined && !options.isAction(name),
  )
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((name) => ({
        file: config.file,
        field: `limits.action_rate_limits.${name}`,
        message: `expected the name of a configured action (or '*'), got '${name}'`,
      })),
    )
  }
  const client = limits.redis === null ? null : await connectRedis(config, limits.redis)
  const close = async () => {
    if (!client) return
    // quit() lets replies in flight arrive; disconnect() is for a connection already gone.
    await client.quit().catch(() => client.disconnect())
  }
  try {
    const backend = client ? redisLimits({ client, prefix: limits.redis_prefix }) : memoryLimits()
    const dependency: Dependency | null = client
      ? {
          name: 'limits',
          required: true,
          check: async () => {
            await client.ping()
          },
          ...(backend.health ? { health: backend.health } : {}),
        }
      : null
    return {
      limits: createLimits(toLimitsConfig(limits, backend)),
      backend: backend.kind,
      counters: backend,
      close,
      dependency,
    }
  } catch (error) {
    await close()
    if (AirlockError.isInstance(error) && error.code === 'CONFIG_INVALID') {
      throw new ConfigError([{ file: config.file, field: 'limits', message: error.message }], {
        cause: error,
      })
    }
    throw error
  }
}
