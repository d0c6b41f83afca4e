/**
 * MCP proxy benchmark: latency of one `tools/call` (the everything server's
 * `echo`) called directly over stdio, through the proxy in-process (Airlock's
 * own cost: policy, audit to SQLite, one in-memory hop), and through
 * `airlock mcp proxy` as an MCP client starts it (one more stdio hop). All in
 * the same run, sequential calls, p50/p99 and the added latency.
 *
 * Run alone with `node --import jiti/register bench/mcp.ts`.
 *
 * @module
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { ActionRegistry } from '../src/actions/action-registry.js'
import { createAirlock } from '../src/airlock.js'
import { generateSealKey } from '../src/audit/seal.js'
import { localPrincipal } from '../src/identity/principal.js'
import { createMcpProxy } from '../src/mcp/index.js'
import { allowAll } from '../src/policy/rules/index.js'
import { memoryStore } from '../src/store/memory/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js')
const CALLS = Number(process.env.AIRLOCK_BENCH_MCP_CALLS ?? 2000)
const WARMUP = 200

/** One row of the printed table. */
export interface McpBenchRow {
  readonly path: string
  readonly p50_us: number
  readonly p99_us: number
  readonly added_p50_us: number | null
  readonly added_p99_us: number | null
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function measure(client: Client): Promise<number[]> {
  const call = () => client.callTool({ name: 'echo', arguments: { message: 'ping' } })
  for (let i = 0; i < WARMUP; i++) await call()
  const times: number[] = []
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now()
    const result = await call()
    times.push((performance.now() - started) * 1000)
    if (result.isError) throw new Error(`echo failed: ${JSON.stringify(result.content)}`)
  }
  return times.sort((a, b) => a - b)
}

async function stdioClient(command: string, args: string[]): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command, args, cwd: ROOT, stderr: 'ignore' }), {
    timeout: 120_000,
  })
  return client
}

/** The CLI as an MCP client would start it: the built `dist/` (run `npm run build` first) when present, else from source. */
function cliCommand(): string[] {
  const built = join(ROOT, 'dist/cli/bin.js')
  return existsSync(built) ? [built] : ['--import', 'jiti/register', join(ROOT, 'src/cli/bin.ts')]
}

/** A proxy in this process in front of its own `everything` server, allowing `echo`. */
async function inProcessProxy(store: Store, closers: (() => Promise<void>)[]): Promise<Client> {
  const registry = new ActionRegistry()
  const airlock = createAirlock({
    actions: registry,
    policies: [allowAll()],
    store,
    seal: { keys: { k1: generateSealKey() }, current: 'k1' },
  })
  await store.migrate()
  const proxy = await createMcpProxy({
    airlock,
    registry,
    namespace: 'everything',
    upstream: { command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' },
    tools: { echo: { risk: 'low' } },
    principal: localPrincipal('bench'),
  })
  closers.push(async () => {
    await proxy.close()
    await airlock.close()
  })
  const client = new Client({ name: 'bench', version: '1.0.0' })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await proxy.server.connect(serverSide)
  await client.connect(clientSide)
  return client
}

/** Runs every measurement and prints a table. */
export async function benchMcp(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-mcp-'))
  const rows: McpBenchRow[] = []
  const clients: Client[] = []
  const closers: (() => Promise<void>)[] = []
  try {
    const direct = await stdioClient(process.execPath, [EVERYTHING, 'stdio'])
    clients.push(direct)

    const sqlite = await inProcessProxy(sqliteStore({ path: join(dir, 'in-process.db') }), closers)
    const memory = await inProcessProxy(memoryStore(), closers)
    clients.push(sqlite, memory)

    writeFileSync(
      join(dir, 'policies.yaml'),
      'rules:\n  - { name: all, match: { actions: ["*"] }, decision: allow, reason: bench }\n',
    )
    writeFileSync(
      join(dir, 'airlock.config.yaml'),
      `store: sqlite:./cli.db\nseal: { keys: { k1: ${generateSealKey()} }, current: k1 }\npolicies: [./policies.yaml]\nauth: { anonymous: true }\nmcp: { proxy: { namespace: everything, tools: { echo: { risk: low } } } }\n`,
    )
    const cli = await stdioClient(process.execPath, [
      ...cliCommand(),
      'mcp',
      'proxy',
      '--config',
      join(dir, 'airlock.config.yaml'),
      '--',
      process.execPath,
      EVERYTHING,
      'stdio',
    ])
    clients.push(cli)

    // Interleaved rounds, so load on the machine touches every path alike.
    const paths: [string, Client][] = [
      ['direct', direct],
      ['proxy in-process, memory store', memory],
      ['proxy in-process, SQLite store', sqlite],
      ['airlock mcp proxy (stdio), SQLite store', cli],
    ]
    const samples: Record<string, number[]> = Object.fromEntries(paths.map(([name]) => [name, []]))
    for (let round = 0; round < 2; round++) {
      for (const [name, client] of paths) samples[name]!.push(...(await measure(client)))
    }
    const base = [...samples.direct!].sort((x, y) => x - y)
    for (const [name] of paths) {
      const sorted = [...samples[name]!].sort((x, y) => x - y)
      const p50 = percentile(sorted, 50)
      const p99 = percentile(sorted, 99)
      rows.push({
        path: name,
        p50_us: Math.round(p50),
        p99_us: Math.round(p99),
        added_p50_us: name === 'direct' ? null : Math.round(p50 - percentile(base, 50)),
        added_p99_us: name === 'direct' ? null : Math.round(p99 - percentile(base, 99)),
      })
    }
    console.log(`tools/call 'echo', ${2 * CALLS} sequential calls per path`)
    console.table(rows)
  } finally {
    for (const client of clients) await client.close().catch(() => undefined)
    for (const close of closers) await close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchMcp()
