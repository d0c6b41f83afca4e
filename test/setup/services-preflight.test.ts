import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingServices } from './services-preflight.js'

let listening: Server
let port = 0
beforeAll(async () => {
  listening = createServer((socket) => socket.end())
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve))
  port = (listening.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => listening.close(() => resolve())))

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const free = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return free
}

describe('the test services check', () => {
  it('names the service, the address it tried and how to start it or point elsewhere', async () => {
    const down = await closedPort()
    const message = await missingServices({
      AIRLOCK_TEST_POSTGRES: `postgres://postgres@127.0.0.1:${down}/test`,
      AIRLOCK_TEST_REDIS: `redis://127.0.0.1:${port}`,
    })
    expect(message).toContain(`PostgreSQL is not reachable at 127.0.0.1:${down}.`)
    expect(message).toContain('docker run -d -p 5432:5432')
    expect(message).toContain('AIRLOCK_TEST_POSTGRES=postgres://…')
    expect(message).toContain('npm run test:unit')
    expect(message).not.toContain('Redis is not reachable')
  })

  it('passes when both answer', async () => {
    const up = `127.0.0.1:${port}`
    expect(
      await missingServices({
        AIRLOCK_TEST_POSTGRES: `postgres://x@${up}/test`,
        AIRLOCK_TEST_REDIS: `redis://${up}`,
      }),
    ).toBeNull()
  })
})
