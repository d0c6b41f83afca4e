/**
 * Ticket benchmark: µs per ticket issue and per ticket validation
 * (signature, binding and nonce consumption) with EdDSA and HS256 keys and
 * the memory, SQLite and PostgreSQL nonce stores; and identity token
 * verification.
 *
 * Run alone with `node --import jiti/register bench/tickets.ts`. PostgreSQL is
 * taken from `AIRLOCK_BENCH_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { Bench } from 'tinybench'
import { generateSigningKey } from '../src/identity/tokens/generate-signing-key.js'
import { issueIdentityToken, verifyIdentityToken } from '../src/identity/tokens/identity-token.js'
import { createKeySet, type KeySet, type SigningAlgorithm } from '../src/identity/tokens/key-set.js'
import { memoryStore } from '../src/store/memory/index.js'
import { postgresStore } from '../src/store/postgres/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { NonceStore, Store } from '../src/store/store.js'
import { issueTicket } from '../src/tickets/issue-ticket.js'
import { validateTicket } from '../src/tickets/validate-ticket.js'

const request = {
  action: 'restart-deployment',
  target: 'prod/api',
  params: { namespace: 'prod', deployment: 'api', replicas: 3 },
  caller: 'deploy-agent',
  tenant: 'acme',
  audit_id: 'evt-0123456789abcdef01234567',
}
const expected = {
  action: request.action,
  target: request.target,
  params: request.params,
  caller: request.caller,
  tenant: request.tenant,
}

/** One row of the printed table. */
export interface TicketBenchRow {
  readonly operation: string
  readonly mean_us: number
  readonly p99_us: number
  readonly ops_per_second: number
}

async function keys(alg: SigningAlgorithm): Promise<KeySet> {
  return createKeySet({ keys: [await generateSigningKey({ alg })] })
}

/** Tickets to validate, made before timing so only validation is measured. */
async function pool(keySet: KeySet, n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => (await issueTicket(keySet, request)).token))
}

/** Runs every measurement and prints a table. */
export async function benchTickets(): Promise<void> {
  const ed = await keys('EdDSA')
  const hs = await keys('HS256')
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-tickets-'))
  const url = process.env.AIRLOCK_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schema = `airlock_bench_${randomBytes(4).toString('hex')}`
  const pgPool = new pg.Pool({ connectionString: url, max: 4 })
  const stores: [string, Store][] = [
    ['memory', memoryStore()],
    ['sqlite', sqliteStore({ path: join(dir, 'bench.db') })],
    ['postgres', postgresStore({ pool: pgPool, schema })],
  ]
  const identity = await issueIdentityToken(ed, { sub: 'agent', roles: ['deployer'], audience: 'gw' })
  const bench = new Bench({ time: 1500, warmup: true })
  try {
    for (const [, store] of stores) await store.migrate()
    bench
      .add('issue ticket (EdDSA)', async () => {
        await issueTicket(ed, request)
      })
      .add('issue ticket (HS256)', async () => {
        await issueTicket(hs, request)
      })
      .add('verify identity token (EdDSA)', async () => {
        await verifyIdentityToken(ed, identity, { audience: 'gw' })
      })
    for (const [name, store] of stores) {
      for (const [alg, keySet] of [
        ['EdDSA', ed],
        ['HS256', hs],
      ] as const) {
        const tokens = await pool(keySet, 20_000)
        let i = 0
        const nonces: NonceStore = store.nonces
        bench.add(`validate ticket (${alg}, ${name} nonces)`, async () => {
          const token = tokens[i++ % tokens.length]!
          await validateTicket(keySet, token, expected, nonces)
        })
      }
    }
    await bench.run()
    const rows: TicketBenchRow[] = bench.tasks.map((task) => {
      const r = task.result as { latency: { mean: number; p99?: number }; throughput: { mean: number } }
      return {
        operation: task.name,
        mean_us: Math.round(r.latency.mean * 1000 * 100) / 100,
        p99_us: Math.round((r.latency.p99 ?? 0) * 1000 * 100) / 100,
        ops_per_second: Math.round(r.throughput.mean),
      }
    })
    console.table(rows)
    console.log('(a validation after the pool of 20,000 fresh tickets is used up measures the replay path)')
  } finally {
    for (const [, store] of stores) await store.close()
    await pgPool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pgPool.end()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchTickets()
