/**
 * The slice of an ioredis client the Redis limits backend uses. Declared here
 * rather than imported so the core never needs ioredis; any client with these
 * two methods will do (an ioredis `Redis` or `Cluster` fits).
 */
export interface RedisScriptClient {
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>
}
