/**
 * `check()` against `decide()` with check auditing off: µs per call for
 * each and their ratio (the target is within 2×).
 *
 * @module
 */
import { z } from 'zod'
import { defineAction } from '../src/actions/define-action.js'
import { createAirlock } from '../src/airlock.js'
import { localPrincipal } from '../src/identity/principal.js'
import { allowAll } from '../src/policy/rules/index.js'

/** The measured figures. */
export interface CheckRatioResult {
  readonly decide_us: number
  readonly check_us: number
  readonly ratio: number
}

/** Measures `calls` sequential decide() and check() calls on one allow-all action. */
export async function measureCheckRatio(calls = 100_000): Promise<CheckRatioResult> {
  const ping = defineAction({
    name: 'ping',
    description: 'Echo',
    input: z.object({ n: z.number() }),
    risk: 'low',
    handler: ({ n }) => ({ n }),
  })
  const airlock = createAirlock({ actions: [ping], policies: [allowAll()], audit_checks: false })
  const caller = localPrincipal('bench-agent')
  try {
    // Warm the JIT for both paths outside the measured window.
    for (let i = 0; i < 20_000; i++) {
      airlock.decide('ping', { n: i }, { caller })
      await airlock.check('ping', { n: i }, { caller })
    }
    let started = performance.now()
    for (let i = 0; i < calls; i++) airlock.decide('ping', { n: i }, { caller })
    const decideUs = ((performance.now() - started) * 1000) / calls
    started = performance.now()
    for (let i = 0; i < calls; i++) await airlock.check('ping', { n: i }, { caller })
    const checkUs = ((performance.now() - started) * 1000) / calls
    return { decide_us: decideUs, check_us: checkUs, ratio: checkUs / decideUs }
  } finally {
    await airlock.close()
  }
}

/** Prints the check/decide table. */
export async function printCheckRatio(): Promise<void> {
  const result = await measureCheckRatio()
  console.log('check() vs decide(), audit_checks off, allow-all policy')
  console.table([
    {
      'decide µs': result.decide_us.toFixed(2),
      'check µs': result.check_us.toFixed(2),
      'check/decide': result.ratio.toFixed(2),
    },
  ])
}
