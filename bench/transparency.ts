/**
 * Audited `execute()` throughput with the transparency log on (Merkle tree
 * integrated in the background, a signed checkpoint every 1000 events or
 * second) next to the same run with it off, and the ratio. The goal is a
 * cost under 10%.
 *
 * Run alone with `node --import jiti/register bench/transparency.ts`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { defineAction } from '../src/actions/define-action.js'
import { createAirlock } from '../src/airlock.js'
import { generateSealKey } from '../src/audit/seal.js'
import { generateSigner } from '../src/evidence/note-keys.js'
import { createTransparencyLog, type TransparencyLog } from '../src/evidence/transparency-log.js'
import { localPrincipal } from '../src/identity/principal.js'
import { allowAll } from '../src/policy/rules/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'

const TOTAL = 20_000
/** Runs alternate off/on this many times each; the best of each is compared, so a busy machine skews both alike. */
const ROUNDS = 2
const CONCURRENCY = 256

interface Run {
  transparency: string
  executes_per_second: number
  tree_size_after: number
  checkpoints: number
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
  for (let i = 0; i < 200; i++) await airlock.execute('ping', { n: -1 }, { caller })
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
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const seconds = (performance.now() - started) / 1000
  await airlock.close()
  const reopened = sqliteStore({ path })
  const tree = (await reopened.merkle?.head())?.size ?? 0
  const checkpoints = (await reopened.merkle?.checkpoints(1000))?.length ?? 0
  await reopened.close()
  return {
    transparency: withLog ? 'on' : 'off',
    executes_per_second: Math.round(TOTAL / seconds),
    tree_size_after: tree,
    checkpoints,
  }
}

/** Prints audited executes/s on SQLite with and without the transparency log, and the cost. */
export async function benchTransparency(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-tlog-'))
  try {
    const runs: Run[] = []
    for (let round = 0; round < ROUNDS; round++) {
      runs.push(await run(dir, false, round), await run(dir, true, round))
    }
    const best = (mode: string) =>
      runs
        .filter((r) => r.transparency === mode)
        .reduce((a, b) => (b.executes_per_second > a.executes_per_second ? b : a))
    const off = best('off')
    const on = best('on')
    console.log(
      `execute(): SQLite, durable audit, ${CONCURRENCY} concurrent callers; transparency log checkpointing every 1000 events or 1 s`,
    )
    console.table(runs)
    const cost = 1 - on.executes_per_second / off.executes_per_second
    console.log(
      `best of ${ROUNDS} each, with the Merkle tree and checkpoints: ${(on.executes_per_second / off.executes_per_second).toFixed(3)}× the throughput without (cost ${(cost * 100).toFixed(1)}%, goal < 10%)`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchTransparency()
}
