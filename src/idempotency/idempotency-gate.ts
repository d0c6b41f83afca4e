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

/**
 * Tells a run that its claim on the key was lost while it ran: another call
 * took the key over (its lease had run out, as when replicas' clocks
 * disagree), or the lease could not be renewed before it ran out (the store
 * was down), so another call may take it over. The run should stop: it is
 * no longer the only one that may run under the key.
 */
export interface ClaimLoss {
  /** Why the claim was lost, once it was; else null. */
  readonly reason: Error | null
  /** Calls `listener` once, when the claim is lost; returns how to stop listening. */
  watch(listener: (reason: Error) => void): () => void
}

/** The caller owns the key: run, then `finish` (or `abandon` if nothing may be stored). */
export interface ClaimHandle {
  readonly kind: 'run'
  readonly recovered: boolean
  /** Whether the claim was lost while the caller ran; the heartbeat stops renewing it then. */
  readonly loss: ClaimLoss
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
      if (claim.kind === 'claimed') return this.#handle(scope, owner, claim.recovered, now + this.#lease)
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

  /**
   * Deletes completed records past their retention, and in-flight claims
   * whose lease ended a retention and a lease ago: their holder died and no
   * call took the key over, so it is freed as a completed one would be.
   */
  purge(): Promise<number> {
    const now = this.#now().getTime()
    return this.#store.purge(new Date(now).toISOString(), new Date(now - this.#abandonedAfter).toISOString())
  }

  /**
   * The earliest time anything a key's live claim stored under the key's
   * name (an approval it held) can date from. A claim left in flight is
   * purged once its lease ended {@link purge}'s span ago, and a lease
   * reaches at most a lease and a renewal past the holder's last write, so
   * anything older was made by an earlier use of the key.
   */
  earliestLiveWrite(): string {
    return new Date(this.#now().getTime() - this.#abandonedAfter - 2 * this.#lease).toISOString()
  }

  /** How long after its lease ended an in-flight claim is purged as abandoned. */
  get #abandonedAfter(): number {
    return this.#retention + this.#lease
  }

  #handle(scope: IdempotencyScope, owner: string, recovered: boolean, leaseEnd: number): ClaimHandle {
    const loss = new Loss()
    const unrenewed = () => {
      if (this.#now().getTime() >= leaseEnd) loss.lose(lostClaim(scope, UNRENEWED))
    }
    // Long handlers keep their lease alive so a slow call is not mistaken for
    // a dead one. Renewals go on after an outage has cost the lease: the run
    // was told to stop, and until another call takes the key, it is still its.
    const heartbeat = setInterval(
      () => {
        // A renewal that never answers (a half-open connection) must not hide the lease running out.
        unrenewed()
        const until = this.#now().getTime() + this.#lease
        this.#store
          .extend(scope, owner, new Date(until).toISOString())
          .then((held) => {
            if (held) leaseEnd = Math.max(leaseEnd, until)
            else {
              clearInterval(heartbeat)
              loss.lose(lostClaim(scope, TAKEN_OVER))
            }
          }, unrenewed)
          .catch(() => undefined)
      },
      Math.max(50, Math.floor(this.#lease / 3)),
    )
    heartbeat.unref()
    // Once the caller is done with the key, nothing it ran is told of a loss any more.
    const done = () => {
      clearInterval(heartbeat)
      loss.close()
    }
    const completion = (outcome: string): Completion => {
      done()
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
            ErrorCode.IDEMPOTENCY_CLAIM_LOST,
            `Lost the claim on idempotency key '${scope.key}' before its outcome could be stored: another call took the key over after its lease ran out, and its outcome is the one the key keeps`,
          )
        },
      }
    }
    return {
      kind: 'run',
      recovered,
      loss,
      completion,
      finish: async (outcome) => {
        const { op, confirm } = completion(outcome)
        confirm(await this.#store.complete(op.scope, op.owner, op.outcome, op.expires_at, op.now))
      },
      abandon: async () => {
        done()
        await this.#store.release(scope, owner)
      },
      leave: done,
    }
  }
}

/** A claim's {@link ClaimLoss}: lost at most once, and not after the caller is done with the key. */
class Loss implements ClaimLoss {
  reason: Error | null = null
  #listeners: Set<(reason: Error) => void> | null = new Set()

  watch(listener: (reason: Error) => void): () => void {
    const listeners = this.#listeners
    if (listeners === null) return () => undefined
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  lose(reason: Error): void {
    const listeners = this.#listeners
    if (listeners === null) return
    this.close()
    this.reason = reason
    for (const listener of listeners) listener(reason)
  }

  close(): void {
    this.#listeners = null
  }
}

const TAKEN_OVER = 'another call took the key over after its lease ran out'
const UNRENEWED =
  'its lease ran out while the store could not renew it, so another call may take the key over'

function lostClaim(scope: IdempotencyScope, why: string): AirlockError {
  return new AirlockError(
    ErrorCode.IDEMPOTENCY_CLAIM_LOST,
    `Lost the claim on idempotency key '${scope.key}' for '${scope.action}' while the run went on: ${why}. The run was asked to stop.`,
  )
}
