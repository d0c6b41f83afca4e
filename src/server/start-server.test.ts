import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../actions/define-action.js'
import { type Airlock, createAirlock } from '../airlock.js'
import { anonymousAuth } from '../identity/auth/anonymous-auth.js'
import { apiKeyAuth } from '../identity/auth/api-key-auth.js'
import { hashApiKey } from '../identity/auth/generate-api-key.js'
import { localPrincipal } from '../identity/principal.js'
import { parsePolicies } from '../policy/load-policies.js'
import { type RunningServer, type ServerLogger, startServer } from './start-server.js'

const slow = defineAction({
  name: 'slow',
  description: 'Waits, then answers',
  risk: 'low',
  input: z.object({ ms: z.int().min(0).max(10_000) }),
  handler: async ({ ms }) => {
    await sleep(ms)
    return { waited: ms }
  },
})

const refund = defineAction({
  name: 'refund',
  description: 'Needs a human',
  risk: 'high',
  approval_required: true,
  input: z.object({ amount: z.int() }),
  handler: ({ amount }) => ({ amount }),
})

const policies = parsePolicies(`rules:
  - name: allow-all
    match: { actions: ['*'] }
    decision: allow
    reason: test
`).rules

interface LogLine {
  level: string
  entry: Record<string, unknown>
  message: string | undefined
}

function memoryLogger(): ServerLogger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at =
    (level: string) =>
    (entry: Record<string, unknown>, message?: string): void => {
      lines.push({ level, entry, message })
    }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

let running: RunningServer | undefined
afterEach(async () => {
  await running?.close({ force: true })
  running = undefined
})

function tracked(airlock: Airlock): Airlock & { closes: number } {
  const wrapper = { ...airlock, closes: 0 }
  wrapper.close = async () => {
    wrapper.closes++
    await airlock.close()
  }
  return wrapper
}

const execute = (url: string, ms: number) =>
  fetch(`${url}/actions/slow/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: { ms } }),
  })

describe('startServer', () => {
  it('binds a free port for port 0 and logs one line per request without credentials', async () => {
    const logger = memoryLogger()
    const key = 'ak_server_test_key'
    running = await startServer({
      airlock: createAirlock({ actions: [slow], policies }),
      auth: apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey(key), actor_id: 'agent-9' }] }),
      host: '127.0.0.1',
      port: 0,
      logger,
    })
    expect(running.port).toBeGreaterThan(0)
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`)
    const response = await fetch(`${running.url}/actions`, { headers: { authorization: `Bearer ${key}` } })
    expect(response.status).toBe(200)
    const line = logger.lines.find((l) => l.message === 'request')
    expect(line?.entry).toMatchObject({ method: 'GET', path: '/actions', status: 200, actor: 'agent-9' })
    expect(typeof line?.entry.ms).toBe('number')
    expect(JSON.stringify(logger.lines)).not.toContain(key)
  })

  it('lets an in-flight request finish after close, refuses new connections, then closes the airlock', async () => {
    const airlock = tracked(createAirlock({ actions: [slow], policies }))
    running = await startServer({
      airlock,
      auth: anonymousAuth(),
      host: '127.0.0.1',
      port: 0,
      logger: memoryLogger(),
    })
    const { url } = running
    const inFlight = execute(url, 400)
    await sleep(100)
    const closing = running.close()
    const response = await inFlight
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'executed', result: { waited: 400 } })
    await closing
    expect(airlock.closes).toBe(1)
    await expect(fetch(`${url}/health`)).rejects.toThrow()
    // A second close is harmless.
    await running.close()
    expect(airlock.closes).toBe(1)
  })

  it('drops requests still running at the shutdown deadline', async () => {
    const logger = memoryLogger()
    running = await startServer({
      airlock: createAirlock({ actions: [slow], policies }),
      auth: anonymousAuth(),
      host: '127.0.0.1',
      port: 0,
      logger,
      shutdown_timeout_ms: 100,
    })
    const inFlight = execute(running.url, 5_000).then(
      (r) => r.status,
      () => 'dropped',
    )
    await sleep(100)
    const started = Date.now()
    await running.close()
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(await inFlight).toBe('dropped')
    expect(logger.lines.some((l) => l.level === 'warn' && /deadline/.test(l.message ?? ''))).toBe(true)
  })

  it('expires overdue approvals on its sweep', async () => {
    const airlock = createAirlock({ actions: [refund], policies, approvals: { ttl_ms: 1 } })
    const outcome = await airlock.execute('refund', { amount: 5 }, { caller: 'agent-1' })
    expect(outcome.status).toBe('pending_approval')
    const logger = memoryLogger()
    running = await startServer({
      airlock,
      auth: anonymousAuth(),
      host: '127.0.0.1',
      port: 0,
      logger,
      sweep_interval_ms: 20,
    })
    const id = outcome.status === 'pending_approval' ? outcome.approval_id : ''
    let status = 'pending'
    for (let i = 0; i < 100 && status === 'pending'; i++) {
      await sleep(20)
      status = (await airlock.approvals.get(localPrincipal('x'), id)).status
    }
    expect(status).toBe('expired')
    expect(logger.lines.some((l) => l.message === 'swept')).toBe(true)
  })

  it('reports a taken port instead of hanging', async () => {
    running = await startServer({
      airlock: createAirlock({ actions: [slow], policies }),
      auth: anonymousAuth(),
      host: '127.0.0.1',
      port: 0,
      logger: memoryLogger(),
    })
    await expect(
      startServer({
        airlock: createAirlock({ actions: [slow], policies }),
        auth: anonymousAuth(),
        host: '127.0.0.1',
        port: running.port,
        logger: memoryLogger(),
      }),
    ).rejects.toThrow(/EADDRINUSE/)
  })
})
