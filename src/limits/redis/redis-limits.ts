import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { type DependencyCircuit, dependencyCircuit } from '../../health/dependency-circuit.js'
import type {
  AdmitRequest,
  AdmitResult,
  DenialRequest,
  LimitsBackend,
  RiskRequest,
} from '../limits-backend.js'
import { ADD_RISK, ADMIT, type LuaScript, RECORD_DENIAL } from './lua-scripts.js'
import type { RedisScriptClient } from './redis-client.js'

/** Configuration of {@link redisLimits}. */
export interface RedisLimitsConfig {
  /** A client you own (ioredis `Redis` or `Cluster`); never closed by Airlock. */
  readonly client: RedisScriptClient
  /** Prepended to every key, e.g. `airlock:prod:`. Default `airlock:`. */
  readonly prefix?: string
}

// Redis answered, but with an error about the script or its arguments: a fault, not an outage.
const REPLY_ERROR = /^(ERR|WRONGTYPE|NOSCRIPT|BUSY|OOM|READONLY|MOVED|ASK|CROSSSLOT)\b/

function unavailable(operation: string, error?: unknown): AirlockError {
  const message =
    error === undefined ? 'circuit open' : error instanceof Error ? error.message : String(error)
  return new AirlockError(
    ErrorCode.LIMITS_UNAVAILABLE,
    `Redis limits ${operation} failed: ${message}`,
    error === undefined ? {} : { cause: error },
  )
}

function limitsError(circuit: DependencyCircuit, operation: string, error: unknown): AirlockError {
  const message = error instanceof Error ? error.message : String(error)
  if (REPLY_ERROR.test(message)) {
    circuit.succeeded()
    return new AirlockError(ErrorCode.STORE_ERROR, `Redis limits ${operation} failed: ${message}`, {
      cause: error,
    })
  }
  circuit.failed(message.slice(0, 120))
  return unavailable(operation, error)
}

/**
 * Limits shared through Redis, so every gateway replica enforces the same
 * counts.
 *
 * @remarks Each operation is one Lua script, which Redis runs atomically: no
 * two replicas can both take the last slot of a window. A caller's keys share
 * a hash tag, so the scripts also work on Redis Cluster. Every key carries a
 * TTL of its window (or cooldown), so idle callers cost nothing. Time comes
 * from the Redis server unless the caller passes it.
 */
export function redisLimits(config: RedisLimitsConfig): LimitsBackend {
  const { client } = config
  const prefix = config.prefix ?? 'airlock:'
  // Requests while Redis is down fail fast (closed: never admitted unlimited) until a probe gets through.
  const health = dependencyCircuit({ name: 'limits' })

  const run = async (
    name: string,
    lua: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ) => {
    const all = [...keys.map((k) => prefix + k), ...args]
    if (!health.admit()) throw unavailable(name)
    try {
      const reply = await client.evalsha(lua.sha1, keys.length, ...all)
      health.succeeded()
      return reply
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('NOSCRIPT'))) {
        throw limitsError(health, name, error)
      }
    }
    try {
      // EVAL loads the script into the cache, so later calls go back to EVALSHA.
      const reply = await client.eval(lua.source, keys.length, ...all)
      health.succeeded()
      return reply
    } catch (error) {
      throw limitsError(health, name, error)
    }
  }
  const time = (now_ms: number | null) => (now_ms === null ? '' : Math.floor(now_ms))

  return {
    kind: 'redis',
    health,

    async admit(request: AdmitRequest): Promise<AdmitResult> {
      const args: (string | number)[] = [time(request.now_ms), request.id]
      for (const w of request.windows) args.push(w.max, w.window_ms)
      const reply = (await run(
        'admit',
        ADMIT,
        [request.breaker_key, ...request.windows.map((w) => w.key)],
        args,
      )) as number[]
      if (reply[0] === 0) return { ok: true }
      if (reply[0] === 1) return { ok: false, kind: 'breaker', retry_after_ms: Number(reply[1]) }
      return { ok: false, kind: 'rate', window: Number(reply[2]), retry_after_ms: Number(reply[1]) }
    },

    async recordDenial(request: DenialRequest): Promise<boolean> {
      const reply = await run(
        'recordDenial',
        RECORD_DENIAL,
        [request.breaker_key, request.log_key],
        [time(request.now_ms), request.threshold, request.window_ms, request.cooldown_ms, request.id],
      )
      return Number(reply) === 1
    },

    async addRisk(request: RiskRequest): Promise<number> {
      const reply = await run(
        'addRisk',
        ADD_RISK,
        [request.key],
        [time(request.now_ms), request.score, request.window_ms, request.buckets],
      )
      return Number(reply)
    },
  }
}
