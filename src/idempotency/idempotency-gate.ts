/**
 * The claim stage: at most one execution per `(tenant, action, key)`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { IsoFormatter, isoString } from '../internal/iso-string.js'
import type {
  ClaimResult,
  IdempotencyClaimRequest,
  IdempotencyScope,
  IdempotencyStore,
  WriteOp,
} from '../store/store.js'
import type { IdempotencyKeyScope } from './key-scope.js'

export interface IdempotencyConfig {
  /** How long a duplicate waits for the first call to finish before `IDEMPOTENCY_IN_FLIGHT`. Default 5 s. */
  readonly wait_ms?: number
  /** How long a claim stays valid without a heartbeat; a dead holder's key recovers after it. Default 30 s. */
  readonly lease_ms?: number
  /** How long completed outcomes are kept for replay. Default 24 h. */
  readonly retention_ms?: number
  /** Poll interval while waiting on another process. Default 25 ms. */
  readonly poll_ms?: number
  /** Who shares a key: `actor` (default) gives each caller its own keys; `tenant` shares them tenant-wide. */
  readonly scope?: IdempotencyKeyScope
}

/** The write that stores an outcome under a claimed key, for a caller that commits it with other writes. */
export interface Completion {
  readonly op: Extract<WriteOp, { kind: 'complete' }>
  /** Throws when the write stored nothing: the claim was lost (its lease expired and another caller took it). */
  confirm(stored: boolean): void
}

/** The caller owns the key: run, then `finish` (or `abandon` if nothing may be stored). */
export interface ClaimHandle {
  readonly kind: 'run'
  readonly recovered: boolean
  finish(outcome: string): Promise<void>
  /** What `finish` writes, for the caller to commit itself; the heartbeat stops as for `finish`. */
  completion(outcome: string): Completion
  abandon(): Promise<void>
  /**
   * Stops renewing the claim and keeps it: once its lease runs out, a later
   * call takes the key over (and first asks `settledElsewhere`). For a call
   * that failed after it may have stored something under the key's name (an
   * approval) that freeing the key would let a retry make twice.
   */
  leave(): void
}

export type GateResult = ClaimHandle | { readonly kind: 'replay'; readonly outcome: string }

/** How {@link IdempotencyGate.begin} asks around and claims. */
export interface BeginOptions {
  /**
   * Asked while the key is in flight: when it knows the first call's outcome
   * without that call having stored it (the call held an approval, then its
   * process died), that outcome is replayed instead of waiting out the dead
   * holder's lease.
   */
  readonly settledElsewhere?: () => Promise<string | null>
  /**
   * Takes the first attempt's claim instead of the store's `claim` (to
   * commit other writes with it); same contract. Later attempts, while a
   * duplicate is waited for, use the store's.
   */
  readonly claim?: (request: IdempotencyClaimRequest) => Promise<ClaimResult>
}

/** Exactly-once gate over an {@link IdempotencyStore}. */
export class IdempotencyGate {
  readonly #store: IdempotencyStore
  readonly #wait: number
  readonly #lease: number
  readonly #retention: number
  readonly #poll: number
  readonly #now: () => Date
  // Leases end in another millisecond than now: a formatter of their own keeps both cached.
  readonly #leaseText = new IsoFormatter()
  readonly #expiryText = new IsoFormatter()
  /** Who shares a key (see {@link IdempotencyConfig.scope}). */
  readonly scope: IdempotencyKeyScope

  constructor(store: IdempotencyStore, config: IdempotencyConfig = {}, now: () => Date = () => new Date()) {
    this.#store = store
    this.#wait = config.wait_ms ?? 5_000
    this.#lease = config.lease_ms ?? 30_000
    this.#retention = config.retention_ms ?? 24 * 3600_000
    this.#poll = config.poll_ms ?? 25
    this.#now = now
    this.scope = config.scope ?? 'actor'
  }

  /**
   * Claims the key, or returns the stored outcome, or waits for a running
   * duplicate (bounded by `wait_ms`); see {@link BeginOptions}.
   *
   * @throws AirlockError `IDEMPOTENCY_KEY_REUSED` when the key was used with
   * another fingerprint; `IDEMPOTENCY_IN_FLIGHT` when the first call is still
   * running after the wait.
   */
  async begin(scope: IdempotencyScope, fingerprint: string, options: BeginOptions = {}): Promise<GateResult> {
    const { settledElsewhere } = options
    const plain = (request: IdempotencyClaimRequest) => this.#store.claim(request)
    const deadline = Date.now() + this.#wait
    for (let attempt = 0; ; attempt++) {
      const owner = randomUUID()
      const date = this.#now()
      const now = date.getTime()
      // Only the first attempt carries the caller's other writes: a duplicate
      // that waits would send them again on every poll, for nothing.
      const take = attempt === 0 ? (options.claim ?? plain) : plain
      const claim = await take({
        ...scope,
        fingerprint,
        owner,
        lease_until: this.#leaseText.format(now + this.#lease),
        now: isoString(date),
      })
      if (claim.kind === 'claimed') return this.#handle(scope, owner, claim.recovered)
      if (claim.fingerprint !== fingerprint) {
        throw new AirlockError(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          `Idempotency key '${scope.key}' was already used for '${scope.action}' with different inputs or caller`,
        )
      }
      if (claim.kind === 'completed') return { kind: 'replay', outcome: claim.outcome }
      const known = settledElsewhere ? await settledElsewhere() : null
      if (known !== null) return { kind: 'replay', outcome: known }
      if (Date.now() >= deadline) {
        throw new AirlockError(
          ErrorCode.IDEMPOTENCY_IN_FLIGHT,
          `A call with idempotency key '${scope.key}' for '${scope.action}' is still in flight`,
        )
      }
      await sleep(this.#poll)
    }
  }

  /** Deletes completed records past their retention. */
  purge(): Promise<number> {
    return this.#store.purge(this.#now().toISOString())
  }

  #handle(scope: IdempotencyScope, owner: string, recovered: boolean): ClaimHandle {
    // Long handlers keep their lease alive so a slow call is not mistaken for a dead one.
    const heartbeat = setInterval(
      () => {
        const until = new Date(this.#now().getTime() + this.#lease).toISOString()
        this.#store.extend(scope, owner, until).catch(() => {
          // A failed heartbeat only risks a takeover after the lease; completion reports it.
        })
      },
      Math.max(50, Math.floor(this.#lease / 3)),
    )
    heartbeat.unref()
    const completion = (outcome: string): Completion => {
      clearInterval(heartbeat)
      const now = this.#now()
      const op = {
        kind: 'complete',
        scope,
        owner,
        outcome,
        expires_at: this.#expiryText.format(now.getTime() + this.#retention),
        now: isoString(now),
      } as const
      return {
        op,
        confirm: (stored) => {
          if (stored) return
          throw new AirlockError(
            ErrorCode.STORE_ERROR,
            `Lost the claim on idempotency key '${scope.key}' before its outcome could be stored (lease expired)`,
          )
        },
      }
    }
    return {
      kind: 'run',
      recovered,
      completion,
      finish: async (outcome) => {
        const { op, confirm } = completion(outcome)
        confirm(await this.#store.complete(op.scope, op.owner, op.outcome, op.expires_at, op.now))
      },
      abandon: async () => {
        clearInterval(heartbeat)
        await this.#store.release(scope, owner)
      },
      leave: () => clearInterval(heartbeat),
    }
  }
}
