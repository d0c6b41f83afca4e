/**
 * One OS process of the multi-process limits test: its own Redis
 * connection, released together with the others, hitting one caller's limit.
 *
 * @module
 */
import { Redis } from 'ioredis'
import { createLimits } from '../../../src/limits/create-limits.js'
import { redisLimits } from '../../../src/limits/redis/index.js'
import { testRedisOptions } from '../../helpers/test-redis.js'

/** What the parent asks one worker to do. */
export interface LimitsTask {
  readonly prefix: string
  readonly attempts: number
  readonly max_requests: number
  readonly window_s: number
}

const task = JSON.parse(process.argv[2]!) as LimitsTask
const client = new Redis({ ...testRedisOptions(), maxRetriesPerRequest: 1 })
const limits = createLimits({
  backend: redisLimits({ client, prefix: task.prefix }),
  rate_limit: { max_requests: task.max_requests, window_s: task.window_s },
})
const caller = {
  actor_id: 'shared-agent',
  roles: [],
  groups: [],
  scopes: [],
  tenant_id: 'acme',
  delegation_chain: [],
  auth: 'identity_token',
}

try {
  await client.ping()
  process.send!({ type: 'ready' })
  await new Promise<void>((resolve) => process.once('message', () => resolve()))
  const results = await Promise.all(
    Array.from({ length: task.attempts }, () => limits.checkRate(caller, 'deploy')),
  )
  process.send!({ type: 'done', allowed: results.filter((r) => r.ok).length })
} catch (error) {
  process.send!({ type: 'error', message: error instanceof Error ? error.message : String(error) })
} finally {
  client.disconnect()
}
