// needs-services: postgres
/**
 * Changing policy on replicas that are separate `airlock serve` processes
 * (the built CLI) on one PostgreSQL schema, each with its own copy of the
 * policy files: a freeze made on one is enforced by another within a
 * second, and a reload on one (by SIGHUP, or by its file watcher) is
 * announced so the others reload from their own files and converge.
 *
 * Three replicas: A and B never watch their files, W does, so what makes
 * each replica reload is never in doubt. Needs `npm run build` (dist/) and
 * PostgreSQL; never skipped.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashApiKey } from '../../src/identity/auth/index.js'
import { client, type GatewayProcess, ROOT, startNode, stopAll } from '../e2e/helpers/gateway-process.js'

const AGENT = 'ak_policy_replica_agent'
const ADMIN = 'ak_policy_replica_admin'
const POSTGRES = new URL(process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test')
const schema = `airlock_polrep_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: POSTGRES.toString(), max: 2 })
const SEAL_KEY = randomBytes(32).toString('base64')

const rules = (reason: string) => `rules:
  - name: agents-echo
    match: { actions: [echo], callers: { roles: [agent] } }
    decision: allow
    reason: ${reason}
`

/** One replica's own folder: its config and its copy of the policy files. */
interface Replica {
  readonly dir: string
  writePolicy(text: string): Promise<void>
  process?: GatewayProcess
}

async function replicaFolder(watch: boolean): Promise<Replica> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-polrep-'))
  await mkdir(join(dir, 'policies'))
  const writePolicy = (text: string) => writeFile(join(dir, 'policies', 'rules.yaml'), text)
  await writePolicy(rules('v1'))
  await writeFile(
    join(dir, 'airlock.config.yaml'),
    `modules: [${join(ROOT, 'test/replicas/fixtures/ops.mjs')}]
policies: [./policies]
default_decision: deny
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey(AGENT)}, actor_id: agent-1, roles: [agent], scopes: [ops] }
    - { id: admin, sha256: ${hashApiKey(ADMIN)}, actor_id: root, roles: [admin] }
seal: { keys: { k1: ${SEAL_KEY} }, current: k1 }
policy: { watch: ${watch}, watch_debounce: 200ms, announce_interval: 1m }
server: { log_level: info }
dashboard: { enabled: false }
`,
  )
  return { dir, writePolicy }
}

function serve(replica: Replica): Promise<GatewayProcess> {
  const store = new URL(POSTGRES)
  store.searchParams.set('schema', schema)
  return startNode([
    'dist/cli/bin.js',
    'serve',
    '--config',
    join(replica.dir, 'airlock.config.yaml'),
    '--port',
    '0',
    '--store',
    store.toString(),
  ])
}

const gateway = (r: Replica): GatewayProcess => {
  if (!r.process) throw new Error('replica not started')
  return r.process
}
const version = async (r: Replica) =>
  (await client(gateway(r).url, AGENT)('GET', '/policy')).body.policy as { version: string; hash: string }
const echo = (r: Replica) =>
  client(gateway(r).url, AGENT)('POST', '/actions/echo/execute', { inputs: { message: 'x' } })
const reloads = (r: Replica) =>
  gateway(r)
    .logs()
    .filter((l) => l.msg === 'policy reloaded')

/** Polls until `fn` holds; fails after `ms`. */
async function within(ms: number, fn: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`)
    await sleep(20)
  }
}

let a: Replica
let b: Replica
let w: Replica

beforeAll(async () => {
  a = await replicaFolder(false)
  b = await replicaFolder(false)
  w = await replicaFolder(true)
  // The first replica migrates alone, so the others do not race on a fresh schema.
  a.process = await serve(a)
  ;[b.process, w.process] = await Promise.all([serve(b), serve(w)])
}, 180_000)

afterAll(async () => {
  await stopAll()
  for (const r of [a, b, w]) if (r) await rm(r.dir, { recursive: true, force: true })
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
}, 60_000)

describe('policy changes across replicas that are separate processes', () => {
  it('denies on replica B within a second of a freeze on replica A, and allows again after the lift', async () => {
    expect((await echo(b)).status).toBe(200)
    const frozen = await client(gateway(a).url, ADMIN)('POST', '/freeze', { all: true, reason: 'incident' })
    expect(frozen.status).toBe(201)
    await within(1_000, async () => (await echo(b)).status === 403)
    expect((await echo(b)).body).toMatchObject({ code: 'FROZEN' })
    await client(gateway(a).url, ADMIN)('POST', '/unfreeze', { id: frozen.body.id })
    await within(1_000, async () => (await echo(b)).status === 200)
  })

  it('announces a reload made by SIGHUP on replica A, and replica B reloads its own files', async () => {
    const before = await version(b)
    // Files are shipped to every replica first; B does not watch, so it waits for the announcement.
    await b.writePolicy(rules('v2'))
    await a.writePolicy(rules('v2'))
    process.kill(gateway(a).pid, 'SIGHUP')
    await within(10_000, async () => (await version(a)).version !== before.version)
    const next = await version(a)
    await within(3_000, async () => (await version(b)).version === next.version)
    // The log line follows the swap.
    await within(3_000, async () => reloads(a).length > 0 && reloads(b).length > 0)
    expect(reloads(a).map((l) => l.via)).toEqual(['signal'])
    expect(reloads(b).map((l) => l.via)).toEqual(['announcement'])
    // W's files were not shipped: it heard the announcement, found its own files unchanged, and kept its set.
    expect((await version(w)).version).toBe(before.version)
  })

  it('announces a reload made by the file watcher on replica W, and replica B follows', async () => {
    const before = await version(w)
    await b.writePolicy(rules('v3'))
    await w.writePolicy(rules('v3'))
    await within(10_000, async () => (await version(w)).version !== before.version)
    const next = await version(w)
    await within(3_000, async () => (await version(b)).version === next.version)
    await within(3_000, async () => reloads(w).length > 0 && reloads(b).length > 1)
    expect(reloads(w).map((l) => l.via)).toEqual(['watch'])
    expect(reloads(b).map((l) => l.via)).toEqual(['announcement', 'announcement'])
    // Every replica stayed up through both reloads.
    for (const r of [a, b, w]) expect((await client(gateway(r).url)('GET', '/ready')).status).toBe(200)
  })
})
