/**
 * A SIGHUP that reaches `airlock serve` (the built CLI) while it is still
 * loading its config: Node's default would end the process; instead the
 * hangup is held, and answered with one reload once the gateway runs.
 *
 * Needs `npm run build` (dist/).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { client, startNode, stopAll } from './helpers/gateway-process.js'

const AGENT = 'ak_e2e_agent_Zx81'

afterAll(stopAll, 30_000)

describe('airlock serve and a SIGHUP while it starts', () => {
  it('keeps starting, then reloads once for the held hangup', { timeout: 120_000 }, async () => {
    // The config's action module sends its own process a SIGHUP while it is imported.
    const gateway = await startNode([
      'dist/cli/bin.js',
      'serve',
      '--config',
      'test/e2e/fixtures/hangup/airlock.config.yaml',
      '--port',
      '0',
    ])
    const answered = () =>
      gateway.logs().filter((l) => l.msg === 'reloading for a SIGHUP received while starting')
    // Logs (stdout) may trail the address (stderr) a little.
    for (let i = 0; i < 100 && answered().length === 0; i++) await sleep(50)
    expect(answered()).toHaveLength(1)
    const echo = await client(gateway.url, AGENT)('POST', '/actions/echo/execute', {
      inputs: { message: 'up' },
    })
    // Up and serving (the policy denies by default: the answer comes from the running gateway).
    expect(echo.status).toBe(403)
    expect(gateway.logs().some((l) => l.msg === 'policy reload failed')).toBe(false)
    expect(await gateway.stop()).toBe(0)
  })
})
