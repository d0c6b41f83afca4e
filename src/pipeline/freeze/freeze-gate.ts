/**
 * The kill switch's in-process view: the freezes in force, kept in memory
 * so every request checks them without a store round trip, refreshed from
 * the store when the store announces a freeze or a lift (at once), and on a
 * short interval as the fallback, so a freeze made by another replica (or
 * by `airlock freeze` against the store) takes effect here within a second
 * even while announcements cannot arrive.
 *
 * @module
 */
import type { Principal } from '../../identity/principal.js'
import { type ChangeFeed, FREEZE_TOPIC } from '../../store/change-feed.js'
import type { Freeze, FreezeStore } from '../../store/freeze-store.js'
import { LIVE_POLL_MS } from '../../store/until-changed.js'

/** Whether `freeze` covers a request of `principal` for `action`. */
export function freezeCovers(
  freeze: Freeze,
  principal: Pick<Principal, 'actor_id' | 'tenant_id'>,
  action: string,
): boolean {
  const scope = freeze.scope
  switch (scope.kind) {
    case 'all':
      return true
    case 'agent':
      return scope.value === principal.actor_id
    case 'action':
      return scope.value === action
    case 'tenant':
      return scope.value === principal.tenant_id
  }
}

/** The freezes in force, as this process last saw them. */
export class FreezeGate {
  #active: readonly Freeze[] = []
  #timer: NodeJS.Timeout | undefined
  #unsubscribe: (() => void) | undefined
  #lastRead = 0
  #started = 0
  #applied = 0
  #polling = false
  #loaded: Promise<void> | null = null
  #ready = false

  constructor(
    readonly store: FreezeStore | undefined,
    readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** The first freeze covering the request, or null. Synchronous: reads the cached set. */
  match(principal: Pick<Principal, 'actor_id' | 'tenant_id'>, action: string): Freeze | null {
    for (const freeze of this.#active) if (freezeCovers(freeze, principal, action)) return freeze
    return null
  }

  /**
   * Resolves once the freezes in force have been read at least once, so the
   * first request after a restart already sees a freeze made before it. A
   * failed first read is retried by the next caller.
   */
  loaded(): Promise<void> {
    this.#loaded ??= this.refresh().then(
      () => {
        this.#ready = true
      },
      (error: unknown) => {
        this.#loaded = null
        throw error
      },
    )
    return this.#loaded
  }

  /** Whether the first read is done: a request need not wait for `loaded()` then. */
  get ready(): boolean {
    return this.#ready
  }

  active(): readonly Freeze[] {
    return this.#active
  }

  /**
   * Reads the freezes in force from the store.
   * @remarks Reads may overlap; a read that started earlier never replaces
   * what a later one found, so a refresh after a change always sees it.
   */
  async refresh(): Promise<void> {
    const store = this.store
    if (!store) return
    const seq = ++this.#started
    this.#lastRead = Date.now()
    const active = await store.active()
    if (seq > this.#applied) {
      this.#applied = seq
      this.#active = active
    }
  }

  /**
   * Refreshes on each announcement from `feed`, and every `interval_ms`
   * while `feed` is absent or not listening (every second while it is, for
   * an announcement lost while its listener reconnected), until {@link stop}.
   * @remarks A failed refresh keeps the last known set (a store outage must
   * not silently lift a freeze) and is reported to `onError`.
   */
  start(interval_ms: number, feed?: ChangeFeed): void {
    if (this.#timer || !this.store) return
    const read = () => {
      this.refresh().catch(this.onError)
    }
    this.#unsubscribe = feed?.subscribe(FREEZE_TOPIC, read)
    this.#timer = setInterval(() => {
      // One poll at a time: a slow store must not pile reads up.
      if (this.#polling) return
      if (feed?.live && Date.now() - this.#lastRead < LIVE_POLL_MS) return
      this.#polling = true
      this.refresh()
        .catch(this.onError)
        .finally(() => {
          this.#polling = false
        })
    }, interval_ms)
    this.#timer.unref()
  }

  stop(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    clearInterval(this.#timer)
    this.#timer = undefined
  }
}
