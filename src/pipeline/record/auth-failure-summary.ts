/**
 * Failed authentication in the audit record, as summaries: one
 * `auth_failed` event per client address per window, with the count, never
 * one event per attempt, so a flood of wrong keys cannot flood the chain.
 *
 * Writes: at most `max_sources + 1` events per window (the last one sums up
 * the attempts of every address past the first `max_sources`). Memory is bounded the same way.
 *
 * @module
 */
import { localPrincipal } from '../../identity/principal.js'
import { newId } from '../../internal/ids.js'
import type { Recorder } from './recorder.js'

/** One refused attempt, as the entry point saw it. */
export interface FailedAuthentication {
  /** The client's address, or null when the runtime does not say. */
  readonly client_address: string | null
  /** Whether a credential was presented at all. */
  readonly credential: boolean
  /** True when the attempt was refused by the failed-attempt throttle (429) rather than judged (401). */
  readonly throttled: boolean
}

/** Options of {@link authFailureSummary}. */
export interface AuthFailureSummaryOptions {
  readonly recorder: Recorder
  readonly now: () => Date
  /** How long attempts are gathered before their summaries are recorded. Default 60 s. */
  readonly window_ms?: number
  /** Addresses summarised one by one per window; the rest share one event. Default 100. */
  readonly max_sources?: number
}

export interface AuthFailureSummary {
  /** Counts one attempt; its summary is recorded when the window ends. */
  add(attempt: FailedAuthentication): void
  /** Records the summaries gathered so far now (shutdown); resolves once they are in the chain. */
  flush(): Promise<void>
}

interface Tally {
  failures: number
  throttled: number
  nothing_presented: number
  first_at: string
  last_at: string
}

const AUTH_ACTION = 'airlock.auth'
const UNAUTHENTICATED = localPrincipal('unauthenticated')

function count(tally: Tally | undefined, attempt: FailedAuthentication, at: string): Tally {
  const t = tally ?? { failures: 0, throttled: 0, nothing_presented: 0, first_at: at, last_at: at }
  t.failures++
  if (attempt.throttled) t.throttled++
  if (!attempt.credential) t.nothing_presented++
  t.last_at = at
  return t
}

/** Summaries of failed authentication, recorded once per window. */
export function authFailureSummary(options: AuthFailureSummaryOptions): AuthFailureSummary {
  const window_ms = options.window_ms ?? 60_000
  const max_sources = options.max_sources ?? 100
  let bySource = new Map<string, Tally>()
  // Past max_sources, attempts are summed without keeping their addresses (memory stays bounded).
  let others: Tally | null = null
  let timer: ReturnType<typeof setTimeout> | null = null

  const record = (source: string | null, tally: Tally) =>
    options.recorder.record('auth_failed', {
      request_id: newId('req'),
      principal: UNAUTHENTICATED,
      action: AUTH_ACTION,
      reason:
        source === null
          ? `${tally.failures} failed authentication attempts from client addresses past the first ${max_sources}`
          : `${tally.failures} failed authentication attempt${tally.failures === 1 ? '' : 's'} from ${source}`,
      context: { client_address: source, window_ms, ...tally },
    })

  const flush = async () => {
    if (timer) clearTimeout(timer)
    timer = null
    const gathered = bySource
    const rest = others
    bySource = new Map()
    others = null
    for (const [source, tally] of gathered) await record(source, tally)
    if (rest) await record(null, rest)
  }

  return {
    add(attempt) {
      const at = options.now().toISOString()
      const source = attempt.client_address ?? 'unknown'
      if (bySource.has(source) || bySource.size < max_sources) {
        bySource.set(source, count(bySource.get(source), attempt, at))
      } else {
        others = count(others ?? undefined, attempt, at)
      }
      if (timer !== null) return
      // A failed append has nobody to tell here; the next window starts afresh either way.
      timer = setTimeout(() => void flush().catch(() => undefined), window_ms)
      timer.unref()
    },
    flush,
  }
}
