/**
 * Vitest global setup for `npm test`: checks once, before any test file
 * runs, that the PostgreSQL and Redis the suites use can be reached, and
 * stops with one message naming what is missing instead of a wall of
 * ECONNREFUSED failures. `npm run test:unit` skips it (and those suites).
 */
import { connect } from 'node:net'

interface Service {
  readonly name: string
  readonly variable: string
  readonly url: URL
  readonly port: number
  readonly start: string
}

type Env = Readonly<Record<string, string | undefined>>

function services(env: Env): Service[] {
  const pg = new URL(env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test')
  const redis = new URL(env.AIRLOCK_TEST_REDIS ?? 'redis://127.0.0.1:6379')
  return [
    {
      name: 'PostgreSQL',
      variable: 'AIRLOCK_TEST_POSTGRES',
      url: pg,
      port: Number(pg.port || 5432),
      start: 'docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16',
    },
    {
      name: 'Redis',
      variable: 'AIRLOCK_TEST_REDIS',
      url: redis,
      port: Number(redis.port || 6379),
      start: 'docker run -d -p 6379:6379 redis:7',
    },
  ]
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(3000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** The message naming every unreachable service, or null when all answer. */
export async function missingServices(env: Env): Promise<string | null> {
  const missing: string[] = []
  for (const s of services(env)) {
    const host = s.url.hostname.replace(/^\[|\]$/g, '')
    if (await reachable(host, s.port)) continue
    missing.push(
      `  ${s.name} is not reachable at ${host}:${s.port}.\n` +
        `    Start one:  ${s.start}\n` +
        `    or point the tests at yours:  ${s.variable}=${s.url.protocol}//…`,
    )
  }
  if (missing.length === 0) return null
  return (
    `npm test needs PostgreSQL and Redis:\n${missing.join('\n')}\n` +
    '  (npm run test:unit runs the tests that need neither.)'
  )
}

export default async function preflight(): Promise<void> {
  const message = await missingServices(process.env)
  if (message !== null) throw new Error(message)
}
