/**
 * The API over a real port with a durable SQLite store: the path production
 * traffic takes, sockets, streaming bodies and all.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Airlock } from '../../src/airlock.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { KEYS, makeAirlock, makeApp, runs } from './fixtures.js'

let dir: string
let airlock: Airlock
let server: ReturnType<typeof serve>
let base: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-http-e2e-'))
  const store = sqliteStore({ path: join(dir, 'airlock.db') })
  await store.migrate()
  airlock = makeAirlock({ store, seal: { keys: { k1: generateSealKey() }, current: 'k1' } })
  // A real pino logger fits the `logger` option as is.
  const app = makeApp(airlock, { body_limit: 64 * 1024, logger: pino({ level: 'silent' }) })
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await airlock.close()
  rmSync(dir, { recursive: true, force: true })
})

function post(path: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

describe('over a real port with SQLite', () => {
  it('executes, holds, approves and audits, and the chain verifies', async () => {
    const executed = await post('/actions/get_invoice/execute', KEYS.alice, {
      inputs: { invoice_id: 'inv_1' },
    })
    expect(executed.status).toBe(200)
    const held = await post('/actions/issue_refund/execute', KEYS.alice, {
      inputs: { invoice_id: 'inv_1', amount: 12 },
    })
    expect(held.status).toBe(202)
    const { approval_id } = (await held.json()) as { approval_id: string }
    const approved = await post(`/approvals/${approval_id}/approve`, KEYS.carol, { comment: 'ok' })
    expect(approved.status).toBe(200)
    expect(await approved.json()).toMatchObject({ status: 'executed', result: { refunded: 12 } })
    const audit = await fetch(`${base}/audit?action=issue_refund`, {
      headers: { authorization: `Bearer ${KEYS.carol}` },
    })
    const statuses = ((await audit.json()) as { items: { status: string }[] }).items.map((e) => e.status)
    expect(statuses).toEqual(['executed', 'started', 'approved', 'held'])
    const verify = await fetch(`${base}/audit/verify`, { headers: { authorization: `Bearer ${KEYS.carol}` } })
    expect(await verify.json()).toMatchObject({ valid: true })
  })

  it('runs a handler once for 20 concurrent calls with one idempotency key', async () => {
    const before = runs.get_invoice
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(
          '/actions/get_invoice/execute',
          KEYS.alice,
          { inputs: { invoice_id: 'same' } },
          { 'idempotency-key': 'burst-1' },
        ),
      ),
    )
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      status: string
      replayed: boolean
      request_id: string
    }[]
    // Waiters may time out (409) while the first call holds the key; none may run it again.
    expect(runs.get_invoice).toBe(before + 1)
    const executed = bodies.filter((b) => b.status === 'executed')
    expect(executed.filter((b) => !b.replayed)).toHaveLength(1)
    expect(new Set(executed.map((b) => b.request_id)).size).toBe(1)
    for (const r of responses) expect([200, 409]).toContain(r.status)
  })

  it('cuts off a body over the limit sent without Content-Length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 16) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const res = await fetch(`${base}/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect((await fetch(`${base}/ready`)).status).toBe(200)
  })
})
