// needs-services: postgres
/**
 * A request in flight when PostgreSQL becomes unreachable (cut at a TCP
 * proxy the test controls, never the server itself): it is answered 503
 * STORE_UNAVAILABLE, or it succeeds with its audit event stored; never a
 * 2xx without its audit event. Requests that arrive during the outage get a
 * 503 instead of hanging.
 *
 * Runs the built `airlock serve` (rebuilt first when stale); needs PostgreSQL.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayProcess, startNode, stopAll } from '../e2e/helpers/gateway-process.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { ensureDistBuilt } from '../setup/dist-build.js'

const CONFIG = 'test/replicas/fixtures/cut/airlock.config.yaml'
const AGENT = 'ak_e2e_agent_Zx81'
const POSTGRES = new URL(process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test')
const schema = `airlock_cut_${randomBytes(4).toString('hex')}`
// Straight to PostgreSQL, not through the proxy: the test reads the audit log while the gateway cannot.
const pool = new pg.Pool({ connectionString: POSTGRES.toString(), max: 2 })
const dir = mkdtempSync(join(tmpdir(), 'airlock-cut-'))
// A client gives up after 10 s; the gateway must answer well before that.
const CLIENT_TIMEOUT_MS = 10_000

let proxy: TcpProxy
let gateway: GatewayProcess

beforeAll(async () => {
  await ensureDistBuilt()
  proxy = await startTcpProxy(POSTGRES.hostname, Number(POSTGRES.port || 5432))
  const store = new URL(POSTGRES)
  store.host = `127.0.0.1:${proxy.port}`
  store.searchParams.set('schema', schema)
  gateway = await startNode(
    ['dist/cli/bin.js', 'serve', '--config', CONFIG, '--port', '0', '--store', store.toString()],
    { AIRLOCK_REPLICA_SEAL_KEY: randomBytes(32).toString('base64'), AIRLOCK_CUT_DIR: dir },
  )
}, 300_000)

afterAll(async () => {
  await stopAll()
  await proxy?.close()
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

async function execute(action: string, message: string, requestId: string) {
  const response = await fetch(`${gateway.url}/actions/${action}/execute`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${AGENT}`,
      'content-type': 'application/json',
      'x-request-id': requestId,
    },
    body: JSON.stringify({ inputs: { message } }),
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** The request ids of the stored `executed` events of `action`. */
async function executed(action: string): Promise<string[]> {
  const { rows } = await pool.query<{ request_id: string }>(
    `SELECT request_id FROM "${schema}".airlock_audit_events WHERE status = 'executed' AND action = $1`,
    [action],
  )
  return rows.map((r) => r.request_id)
}

describe('PostgreSQL cut while a request is in flight', () => {
  it('never acknowledges the in-flight request without its audit event, and answers new ones 503', async () => {
    // Warm: the gateway has its pool connected and the action works.
    expect((await execute('echo', 'warm', 'req-warm')).status).toBe(200)

    const inFlight = execute('slow', 'a', 'req-in-flight')
    while (!existsSync(join(dir, 'running-a'))) await sleep(20)
    proxy.cut()
    try {
      writeFileSync(join(dir, 'go-a'), '')
      const answer = await inFlight
      if (answer.status >= 200 && answer.status < 300) {
        // Acknowledged: then its audit event must be stored (checked below, straight on PostgreSQL).
        expect(answer.body).toMatchObject({ status: 'executed' })
      } else {
        expect(answer).toMatchObject({ status: 503, body: { code: 'STORE_UNAVAILABLE' } })
      }
      // New requests are refused promptly, not left hanging until the client gives up.
      for (const n of [1, 2, 3]) {
        const late = await execute('echo', `late-${n}`, `req-late-${n}`)
        expect(late).toMatchObject({ status: 503, body: { code: 'STORE_UNAVAILABLE' } })
      }
      // A 503 may still have been committed (the answer, not the write, was lost); a 2xx must have been.
      const acknowledged = answer.status >= 200 && answer.status < 300
      const stored = await executed('slow')
      if (acknowledged) expect(stored).toEqual([answer.body.request_id])
      else expect(stored.length).toBeLessThanOrEqual(1)
    } finally {
      proxy.restore()
    }
  }, 120_000)
})
