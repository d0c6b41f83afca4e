/**
 * The gateway the HTTP benchmarks load: one `add` action, allow-all policy,
 * API-key auth, on a real loopback port over the store given.
 *
 * @module
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { z } from 'zod'
import { defineAction } from '../src/actions/define-action.js'
import { type Airlock, createAirlock } from '../src/airlock.js'
import { generateSealKey } from '../src/audit/seal.js'
import { createHttpApp } from '../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../src/identity/auth/index.js'
import { allowAll } from '../src/policy/rules/index.js'
import type { Store } from '../src/store/store.js'

const add = defineAction({
  name: 'add',
  description: 'Adds two numbers',
  risk: 'low',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => ({ sum: a + b }),
})

export interface BenchGateway {
  readonly airlock: Airlock
  readonly server: Server
  /** `POST` here with `{a, b}` and the key as a bearer token. */
  readonly url: string
  readonly key: string
  /** Resolves once no request is being handled: every answered request's writes are committed. */
  idle(): Promise<void>
  close(): Promise<void>
}

/** Migrates `store` and builds the HTTP app over it (no socket); the caller closes `airlock`. */
export async function createBenchApp(store: Store) {
  await store.migrate()
  const airlock = createAirlock({
    actions: [add],
    policies: [allowAll()],
    store,
    seal: { keys: { k1: generateSealKey() }, current: 'k1' },
  })
  const key = generateApiKey()
  const app = createHttpApp(airlock, {
    auth: apiKeyAuth({ keys: [{ id: 'bench', sha256: hashApiKey(key), actor_id: 'bench-agent' }] }),
  })
  return { airlock, app, key }
}

/** Migrates `store` and serves it; `close()` stops the server and the pipeline. */
export async function startBenchGateway(store: Store): Promise<BenchGateway> {
  const { airlock, app, key } = await createBenchApp(store)
  // A load generator that stops closes its connections with requests still
  // being handled; they go on to commit, so the chain is read only once idle.
  let handling = 0
  const fetch: typeof app.fetch = async (...args) => {
    handling++
    try {
      return await app.fetch(...args)
    } finally {
      handling--
    }
  }
  const idle = async () => {
    while (handling > 0) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions/add/execute`
  const close = async () => {
    await new Promise((resolve) => server.close(resolve))
    await airlock.close()
  }
  return { airlock, server, url, key, idle, close }
}
