/**
 * The HTTP benchmarks' load generator: `POST` one JSON body over keep-alive
 * connections for a fixed time, optionally with a fresh `Idempotency-Key` per
 * request, and report requests per second, p50/p99 latency and failures.
 *
 * wrk (Debian's `wrk`, written in C) is used when it is on the PATH: it needs
 * a fraction of the CPU autocannon does at the same rate, and on a 2-core
 * machine the generator's CPU is taken from the server being measured.
 * Without wrk, autocannon runs in a process of its own. The figures say which
 * generator produced them.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One load run. */
export interface LoadOptions {
  readonly url: string
  /** Sent as a bearer token. */
  readonly key: string
  readonly connections: number
  readonly seconds: number
  /** A new `Idempotency-Key` on every request. */
  readonly keyed: boolean
  readonly body: string
}

/** What one load run measured; latencies in milliseconds. */
export interface LoadFigures {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  /** Non-2xx answers, socket errors and timeouts. */
  readonly failures: number
}

/** `'wrk'` when Debian's wrk is installed, else `'autocannon'`. */
export const LOAD_GENERATOR: 'wrk' | 'autocannon' =
  spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined ? 'wrk' : 'autocannon'

/** Runs `command` and resolves with its stdout; rejects when it exits non-zero. */
async function output(command: string, args: readonly string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`the load generator (${command}) exited with ${code}`)
  return out
}

// wrk's request script. A key per request is drawn in Lua: the counter makes
// keys unique within a run, the random part across runs on one database.
function wrkScript(o: LoadOptions): string {
  const lines = [
    `wrk.method = "POST"`,
    `wrk.body = ${JSON.stringify(o.body)}`,
    `wrk.headers["Content-Type"] = "application/json"`,
    `wrk.headers["Authorization"] = ${JSON.stringify(`Bearer ${o.key}`)}`,
  ]
  if (o.keyed) {
    lines.push(
      'math.randomseed(os.time())',
      'local run, n = math.random(1, 2147483647), 0',
      'request = function()',
      '  n = n + 1',
      '  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d", run, n)',
      '  return wrk.format()',
      'end',
    )
  }
  return `${lines.join('\n')}\n`
}

/** A wrk latency such as `812.00us`, `3.25ms` or `1.02s`, in milliseconds. */
function wrkMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text)
  if (!match) throw new Error(`wrk printed a latency it could not be read from: ${text}`)
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm']
  return Number(match[1]) * unit
}

/** Reads wrk's `--latency` report. */
export function parseWrk(report: string): LoadFigures {
  const field = (pattern: RegExp) => {
    const match = pattern.exec(report)
    if (!match?.[1]) throw new Error(`wrk's report has no ${pattern.source}:\n${report}`)
    return match[1]
  }
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(report)
  const socketErrors = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  return {
    rps: Number(field(/Requests\/sec:\s+([\d.]+)/)),
    p50: wrkMs(field(/^\s+50%\s+(\S+)\s*$/m)),
    p99: wrkMs(field(/^\s+99%\s+(\S+)\s*$/m)),
    failures: socketErrors + Number(non2xx?.[1] ?? 0),
  }
}

async function runWrk(o: LoadOptions): Promise<LoadFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-wrk-'))
  try {
    const script = join(dir, 'post.lua')
    writeFileSync(script, wrkScript(o))
    const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency', '-s', script, o.url]
    return parseWrk(await output('wrk', args))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// autocannon's script, for machines without wrk.
const AUTOCANNON_SCRIPT = `
const autocannon = require('autocannon')
const { randomUUID } = require('node:crypto')
const o = JSON.parse(process.argv[1])
const headers = { authorization: 'Bearer ' + o.key, 'content-type': 'application/json' }
const request = { method: 'POST', body: o.body, headers }
if (o.keyed) request.setupRequest = (r) => ({ ...r, headers: { ...r.headers, 'idempotency-key': randomUUID() } })
autocannon({ url: o.url, connections: o.connections, duration: o.seconds, requests: [request] }, (err, res) => {
  if (err) { console.error(err); process.exit(1) }
  process.stdout.write(JSON.stringify({ rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99,
    failures: res.non2xx + res.errors + res.timeouts }))
})`

/** Loads `o.url` for `o.seconds` with the {@link LOAD_GENERATOR}. */
export async function generateLoad(o: LoadOptions): Promise<LoadFigures> {
  if (LOAD_GENERATOR === 'wrk') return runWrk(o)
  const out = await output(process.execPath, ['-e', AUTOCANNON_SCRIPT, JSON.stringify(o)])
  return JSON.parse(out) as LoadFigures
}

/**
 * TCP connections a run with `connections` opens when nothing reconnects:
 * wrk opens one more than asked for before its run starts.
 */
export function connectionsOpened(connections: number): number {
  return LOAD_GENERATOR === 'wrk' ? connections + 1 : connections
}
