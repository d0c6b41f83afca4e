/**
 * Redis limits backend (`airlock/redis`): rate limits, circuit breakers and
 * cumulative risk shared by every gateway replica. Needs the optional peer
 * `ioredis` (or any client with `eval`/`evalsha`).
 *
 * @module
 */
export type { RedisScriptClient } from './redis-client.js'
export { type RedisLimitsConfig, redisLimits } from './redis-limits.js'
