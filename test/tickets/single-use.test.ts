// needs-services: postgres
/**
 * A ticket is single-use across processes: several OS processes, each with
 * its own connection to one store, race to redeem the same ticket.
 */
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKey } from '../../src/identity/tokens/generate-signing-key.js'
import { createKeySet } from '../../src/identity/tokens/key-set.js'
import { publicJwks } from '../../src/identity/tokens/public-jwks.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { issueTicket } from '../../src/tickets/issue-ticket.js'
import { validateTicket } from '../../src/tickets/validate-ticket.js'
import type { TicketTask } from './workers/ticket-worker.js'

const WORKER = fileURLToPath(new URL('./workers/ticket-worker.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// No skip when PostgreSQL is down: the suite must fail loudly.
const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const PROCESSES = 6
const ATTEMPTS = 4

const request = {
  action: 'restart-deployment',
  target: 'prod/api',
  params: { namespace: 'prod', deployment: 'api' },
  caller: 'deploy-agent',
  audit_id: 'evt-1',
}
const expected = {
  action: request.action,
  target: request.target,
  params: request.params,
  caller: request.caller,
  tenant: 'default',
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; results: string[] }
  | { type: 'error'; message: string }

async function race(task: Omit<TicketTask, 'attempts'>): Promise<string[]> {
  const children = Array.from({ length: PROCESSES }, () =>
    fork(WORKER, [JSON.stringify({ ...task, attempts: ATTEMPTS })], {
      cwd: ROOT,
      execArgv: ['--import', 'jiti/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  )
  const ready: Promise<void>[] = []
  const done = children.map(
    (child, i) =>
      new Promise<string[]>((resolve, reject) => {
        let markReady: () => void = () => {}
        ready.push(new Promise<void>((r) => (markReady = r)))
        child.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') markReady()
          else if (m.type === 'done') resolve(m.results)
          else reject(new Error(`worker ${i}: ${m.message}`))
        })
        child.on('exit', (code) => {
          if (code !== 0) reject(new Error(`worker ${i} exited with code ${code}`))
        })
      }),
  )
  await Promise.race([Promise.all(ready), Promise.all(done)])
  for (const child of children) child.send('go')
  return (await Promise.all(done)).flat()
}

async function ticket() {
  const keySet = await createKeySet({ keys: [await generateSigningKey()] })
  const { token } = await issueTicket(keySet, request)
  return { keySet, token, jwks: publicJwks(keySet) }
}

describe('single-use tickets across processes', () => {
  describe('on one SQLite file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-tickets-'))
    const path = join(dir, 'airlock.db')

    beforeAll(async () => {
      const store = sqliteStore({ path })
      await store.migrate()
      await store.close()
    })
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('lets exactly one of many processes redeem a ticket', async () => {
      const { token, jwks } = await ticket()
      const results = await race({ backend: { kind: 'sqlite', path }, jwks, token, expected })
      expect(results).toHaveLength(PROCESSES * ATTEMPTS)
      expect(results.filter((r) => r === 'valid')).toHaveLength(1)
      expect(results.filter((r) => r === 'replayed')).toHaveLength(PROCESSES * ATTEMPTS - 1)
    }, 60_000)

    it('still refuses the replay after a restart', async () => {
      const { keySet, token } = await ticket()
      const first = sqliteStore({ path })
      expect(await validateTicket(keySet, token, expected, first.nonces)).toMatchObject({ valid: true })
      await first.close()
      const second = sqliteStore({ path })
      expect(await validateTicket(keySet, token, expected, second.nonces)).toMatchObject({ code: 'replayed' })
      await second.close()
    })
  })

  describe('on PostgreSQL', () => {
    const schema = `airlock_tickets_${randomBytes(4).toString('hex')}`
    const pool = new pg.Pool({ connectionString: url, max: 2 })

    beforeAll(async () => {
      await postgresStore({ pool, schema }).migrate()
    })
    afterAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await pool.end()
    })

    it('lets exactly one of many processes redeem a ticket', async () => {
      const { token, jwks } = await ticket()
      const results = await race({ backend: { kind: 'postgres', url, schema }, jwks, token, expected })
      expect(results).toHaveLength(PROCESSES * ATTEMPTS)
      expect(results.filter((r) => r === 'valid')).toHaveLength(1)
      expect(results.filter((r) => r === 'replayed')).toHaveLength(PROCESSES * ATTEMPTS - 1)
    }, 60_000)
  })
})
