import type {
  AdmitRequest,
  AdmitResult,
  DenialRequest,
  LimitsBackend,
  RiskRequest,
} from '../limits-backend.js'

/** Options of {@link memoryLimits}. */
export interface MemoryLimitsOptions {
  /**
   * Most keys kept per kind (windows, breakers, risk totals). When full, the
   * least recently used key is dropped. Default 100 000.
   */
  readonly max_keys?: number
}

interface Entry {
  /** When the entry holds nothing that still counts; it may be dropped after this. */
  idle_at: number
}

interface WindowEntry extends Entry {
  /** Admission times, oldest first, from `head` on. */
  stamps: number[]
  head: number
}

interface BreakerEntry extends Entry {
  open_until: number
  denials: number[]
}

interface RiskEntry extends Entry {
  /** Points per bucket, indexed by bucket number modulo the bucket count. */
  ring: number[]
  /** Oldest bucket number that may still count. */
  head: number
  /** Latest bucket number seen. */
  last: number
  total: number
}

/**
 * A map whose iteration order is least recently touched first, so idle
 * entries are found at the front in O(1) and memory stays bounded.
 */
class IdleMap<V extends Entry> {
  private readonly map = new Map<string, V>()
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.map.get(key)
  }

  /** Marks `key` as just used (moves it to the back). */
  touch(key: string, value: V, now: number): void {
    this.map.delete(key)
    this.map.set(key, value)
    this.sweep(now)
  }

  /** Drops up to a few idle entries from the front, and the oldest ones beyond the cap. */
  sweep(now: number): void {
    let checked = 0
    for (const [key, value] of this.map) {
      if (this.map.size > this.max || (checked < 4 && value.idle_at <= now)) {
        this.map.delete(key)
        checked++
      } else break
    }
  }

  get size(): number {
    return this.map.size
  }
}

/**
 * Limits kept in this process's memory: exact, fast, and lost on restart.
 * Several gateway replicas each keep their own counts; use `redisLimits` to
 * share them.
 *
 * @remarks Operations run synchronously inside one call, so concurrent calls
 * in this process are serialised and each is atomic. Idle callers are
 * forgotten, and at most `max_keys` per kind are kept.
 */
export function memoryLimits(
  options: MemoryLimitsOptions = {},
): LimitsBackend & { readonly size: () => number } {
  const max = options.max_keys ?? 100_000
  const windows = new IdleMap<WindowEntry>(max)
  const breakers = new IdleMap<BreakerEntry>(max)
  const risks = new IdleMap<RiskEntry>(max)
  /** The time of an operation; every operation also drops a few idle entries of each kind. */
  const clock = (now_ms: number | null) => {
    const now = now_ms ?? Date.now()
    windows.sweep(now)
    breakers.sweep(now)
    risks.sweep(now)
    return now
  }

  /** Drops admission times that have left the window; amortised O(1). */
  const prune = (entry: WindowEntry, since: number) => {
    while (entry.head < entry.stamps.length && entry.stamps[entry.head]! <= since) entry.head++
    if (entry.head > 32 && entry.head * 2 > entry.stamps.length) {
      entry.stamps = entry.stamps.slice(entry.head)
      entry.head = 0
    }
  }

  return {
    kind: 'memory',
    size: () => windows.size + breakers.size + risks.size,

    async admit(request: AdmitRequest): Promise<AdmitResult> {
      const now = clock(request.now_ms)
      const breaker = breakers.get(request.breaker_key)
      if (breaker && breaker.open_until > now) {
        return { ok: false, kind: 'breaker', retry_after_ms: breaker.open_until - now }
      }
      const entries = request.windows.map((w) => {
        const entry = windows.get(w.key) ?? { stamps: [], head: 0, idle_at: 0 }
        prune(entry, now - w.window_ms)
        return entry
      })
      for (const [i, w] of request.windows.entries()) {
        const entry = entries[i]!
        if (entry.stamps.length - entry.head >= w.max) {
          return {
            ok: false,
            kind: 'rate',
            window: i,
            retry_after_ms: entry.stamps[entry.head]! + w.window_ms - now,
          }
        }
      }
      for (const [i, w] of request.windows.entries()) {
        const entry = entries[i]!
        entry.stamps.push(now)
        entry.idle_at = now + w.window_ms
        windows.touch(w.key, entry, now)
      }
      return { ok: true }
    },

    async recordDenial(request: DenialRequest): Promise<boolean> {
      const now = clock(request.now_ms)
      const entry = breakers.get(request.breaker_key) ?? { open_until: 0, denials: [], idle_at: 0 }
      if (entry.open_until > now) return false
      const since = now - request.window_ms
      entry.denials = entry.denials.filter((t) => t > since)
      entry.denials.push(now)
      let tripped = false
      if (entry.denials.length >= request.threshold) {
        entry.open_until = now + request.cooldown_ms
        entry.denials = []
        tripped = true
      }
      entry.idle_at = Math.max(entry.open_until, now + request.window_ms)
      breakers.touch(request.breaker_key, entry, now)
      return tripped
    },

    async addRisk(request: RiskRequest): Promise<number> {
      const now = clock(request.now_ms)
      const n = request.buckets
      let cur = Math.floor((now * n) / request.window_ms)
      let entry = risks.get(request.key)
      if (entry && cur < entry.last) cur = entry.last // a clock that steps back must not reopen dropped buckets
      if (!entry || entry.last <= cur - n) {
        entry = { ring: new Array<number>(n).fill(0), head: cur, last: cur, total: 0, idle_at: 0 }
      } else {
        // At most n - 1 steps: `last` is within the window, and `head` is at most n behind it.
        for (; entry.head <= cur - n; entry.head++) {
          const slot = entry.head % n
          entry.total -= entry.ring[slot]!
          entry.ring[slot] = 0
        }
      }
      entry.ring[cur % n]! += request.score
      entry.total += request.score
      entry.last = cur
      entry.idle_at = Math.ceil(((cur + 1) * request.window_ms) / n) + request.window_ms
      risks.touch(request.key, entry, now)
      return entry.total
    },
  }
}
