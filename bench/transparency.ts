/**
 * Audited `execute()` throughput with the transparency log on (Merkle tree
 * integrated in the background, a signed checkpoint every 1000 events or
 * second) next to the same run with it off, and the cost. The goal is a
 * cost under 10%.
 *
 * @remarks The machine may be busy, so on and off runs alternate (their
 * order swapping every round) and the cost is read three ways: best against
 * best, median against median, and the median of each round's own on/off
 * ratio, which cancels load that drifts between rounds. A run with the log
 * on stops its clock only once every event it committed is in the tree and
 * under a checkpoint, so no integration is left outside the measured time.
 * CPU time per execute is printed for the whole process and, on Linux, for
 * the main thread alone: the log hashes on another thread, and the main
 * thread's time is what it takes from serving requests.
 * The load average is printed before and after.
 *
 * Run alone with `node --import jiti/register bench/transparency.ts [rounds]`.
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { defineAction } from '../src/actions/define-action.js'
import { createAirlock } from '../src/airlock.js'
import { generateSealKey } from '../src/audit/seal.js'
import { generateSigner } from '../src/evidence/note-keys.js'
import { createTransparencyLog, THREAD_RUN, type TransparencyLog } from '../src/evidence/transparency-log.js'
import { localPrincipal } from '../src/identity/principal.js'
import { allowAll } from '../src/policy/rules/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'

const TOTAL = 15_000
/** Rounds of one off and one on run each, unless the command line gives another count. */
const DEFAULT_ROUNDS = 5
const CONCURRENCY = 256
const WARM_UP = THREAD_RUN
/** Linux's USER_HZ, the unit of `/proc` CPU times (100 on every common kernel). */
const CLOCK_TICKS = 100

interface Run {
  transparency: string
  executes_per_second: number
  /** Process CPU time (user + system, every thread) per execute, in µs: steadier than throughput on a busy machine. */
  cpu_us_per_execute: number
  /** CPU time of the main thread alone (the one serving requests) per execute, in µs; null off Linux. */
  main_thread_us_per_execute: number | null
  tree_size_after: number
  checkpoints: number
}

/**
 * The main thread's CPU time in µs, from `/proc` (Linux; null elsewhere):
 * `process.cpuUsage()` also counts the grower thread, which runs on another
 * core while requests are served.
 */
function mainThreadCpuUs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS : null
  } catch {
    return null
  }
}

async function run(dir: string, withLog: boolean, round: number): Promise<Run> {
  const path = join(dir, `bench-${withLog ? 'on' : 'off'}-${round}.db`)
  const store = sqliteStore({ path })
  await store.migrate()
  const ping = defineAction({
    name: 'ping',
    description: 'Echo',
    input: z.object({ n: z.number() }),
    risk: 'low',
    handler: ({ n }) => ({ n }),
  })
  let log: TransparencyLog | undefined
  if (withLog) {
    log = createTransparencyLog({
      store,
      signer: generateSigner('bench.local/audit').signer,
      checkpoint_every: 1000,
      checkpoint_interval_ms: 1000,
    })
  }
  const airlock = createAirlock({
    actions: [ping],
    policies: [allowAll()],
    store,
    seal: { keys: { k: generateSealKey() }, current: 'k' },
    ...(log ? { on_drained: () => log.stop() } : {}),
  })
  const caller = localPrincipal('bench-agent')
  // Two events an execute: enough for the log's first pass to start its
  // grower thread (and, from sources, compile it) before the clock starts.
  for (let i = 0; i < WARM_UP; i++) await airlock.execute('ping', { n: -1 }, { caller })
  await log?.start()
  let next = 0
  const worker = async () => {
    while (next < TOTAL) {
      const n = next++
      const outcome = await airlock.execute('ping', { n }, { caller })
      if (outcome.status !== 'executed') throw new Error(`unexpected ${outcome.status}`)
    }
  }
  const started = performance.now()
  const cpu = process.cpuUsage()
  const mainThread = mainThreadCpuUs()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  // Integrating and checkpointing what was committed is part of the cost.
  await log?.checkpoint()
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const mainThreadUsed = mainThread === null ? null : mainThreadCpuUs()! - mainThread
  await airlock.close()
  const reopened = sqliteStore({ path })
  const tree = (await reopened.merkle?.head())?.size ?? 0
  const checkpoints = (await reopened.merkle?.checkpoints(1000))?.length ?? 0
  await reopened.close()
  return {
    transparency: withLog ? 'on' : 'off',
    executes_per_second: Math.round(TOTAL / seconds),
    cpu_us_per_execute: Math.round((used.user + used.system) / TOTAL),
    main_thread_us_per_execute: mainThreadUsed === null ? null : Math.round(mainThreadUsed / TOTAL),
    tree_size_after: tree,
    checkpoints,
  }
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')

const percent = (ratio: number): string => `${((1 - ratio) * 100).toFixed(1)}%`

function summarise(runs: readonly Run[]): void {
  const rate = (mode: string) => runs.filter((r) => r.transparency === mode).map((r) => r.executes_per_second)
  const off = rate('off')
  const on = rate('on')
  const paired = on.map((v, i) => v / off[i]!)
  const rows = [
    ['best', Math.max(...on) / Math.max(...off)],
    ['median', median(on) / median(off)],
    ['median of per-round ratios', median(paired)],
  ] as const
  for (const [name, ratio] of rows) {
    console.log(`${name.padEnd(27)} on/off ${ratio.toFixed(3)}× (cost ${percent(ratio)}, goal < 10%)`)
  }
  const cpu = (mode: string) =>
    median(runs.filter((r) => r.transparency === mode).map((r) => r.cpu_us_per_execute))
  console.log(
    `CPU per execute, median: off ${cpu('off')} µs, on ${cpu('on')} µs (+${((cpu('on') / cpu('off') - 1) * 100).toFixed(1)}%)`,
  )
  const main = (mode: string) =>
    median(runs.filter((r) => r.transparency === mode).map((r) => r.main_thread_us_per_execute ?? Number.NaN))
  if (!Number.isNaN(main('off'))) {
    console.log(
      `main thread CPU per execute, median: off ${main('off')} µs, on ${main('on')} µs (+${((main('on') / main('off') - 1) * 100).toFixed(1)}%)`,
    )
  }
  console.log(
    `off: best ${Math.max(...off)}, median ${median(off)} executes/s; on: best ${Math.max(...on)}, median ${median(on)} executes/s; per-round costs ${paired.map(percent).join(' ')}`,
  )
}

/** Prints audited executes/s on SQLite with and without the transparency log, and the cost. */
export async function benchTransparency(rounds = DEFAULT_ROUNDS): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-tlog-'))
  try {
    console.log(
      `execute(): SQLite, durable audit, ${CONCURRENCY} concurrent callers, ${TOTAL} calls a run; transparency log checkpointing every 1000 events or 1 s; ${rounds} rounds alternating off/on`,
    )
    console.log(`load average before: ${load()}`)
    const runs: Run[] = []
    for (let round = 0; round < rounds; round++) {
      // Swapping the order each round keeps a trend in the load from favouring one mode.
      const order = round % 2 === 0 ? [false, true] : [true, false]
      for (const withLog of order) runs.push(await run(dir, withLog, round))
    }
    console.table(runs)
    summarise(runs)
    console.log(`load average after: ${load()}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rounds = Number(process.argv[2] ?? DEFAULT_ROUNDS)
  await benchTransparency(Number.isInteger(rounds) && rounds > 0 ? rounds : DEFAULT_ROUNDS)
}
