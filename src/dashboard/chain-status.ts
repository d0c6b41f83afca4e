import type { Airlock, VerifyResult } from '../airlock.js'

/** The last verification of the audit chain and when it finished. */
export interface ChainReport {
  readonly result: VerifyResult
  readonly at: Date
}

/**
 * Verifies the chain at most once per interval, sharing one run between
 * every page that asks meanwhile, so a busy dashboard cannot pile full scans
 * onto the store.
 */
export class ChainStatus {
  readonly #airlock: Airlock
  readonly #interval_ms: number
  #last: ChainReport | null = null
  #running: Promise<ChainReport> | null = null

  constructor(airlock: Airlock, interval_ms: number) {
    this.#airlock = airlock
    this.#interval_ms = interval_ms
  }

  /** A report no older than the interval. */
  current(): Promise<ChainReport> {
    const last = this.#last
    if (last && Date.now() - last.at.getTime() < this.#interval_ms) return Promise.resolve(last)
    this.#running ??= this.#airlock.audit
      .verify()
      .then((result) => {
        this.#last = { result, at: new Date() }
        return this.#last
      })
      .finally(() => {
        this.#running = null
      })
    return this.#running
  }
}
