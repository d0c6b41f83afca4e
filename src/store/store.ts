/**
 * The persistence contract. Every stage talks to storage only through these
 * interfaces; memory, SQLite and PostgreSQL implement them and one
 * conformance suite holds them to the same behaviour.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput, AuditStatus } from '../audit/audit-event.js'
import type { DependencyHealth } from '../health/dependency-circuit.js'
import type { DecisionResult } from '../policy/decision.js'
import type { ApprovalStore } from './approval-store.js'
import type { ChangeFeed } from './change-feed.js'
import type { FreezeStore } from './freeze-store.js'
import type { PolicyHeadStore } from './policy-head-store.js'
import type { ShipperCursorStore } from './shipper-cursor-store.js'

/** Cursor-paginated page, newest first unless said otherwise. */
export interface Page<T> {
  readonly items: readonly T[]
  /** Opaque; null when there is nothing more. */
  readonly next_cursor: string | null
}

// ---------------------------------------------------------------- approvals

export type {
  Approval,
  ApprovalListOptions,
  ApprovalStatus,
  ApprovalStore,
  ApprovalVote,
  NewApproval,
  VoteResult,
} from './approval-store.js'
export type { Freeze, FreezeScope, FreezeStore, NewFreeze } from './freeze-store.js'
export type { PolicyHead, PolicyHeadStore } from './policy-head-store.js'
export type { ShipperCursor, ShipperCursorStore } from './shipper-cursor-store.js'

// -------------------------------------------------------------- idempotency

/** The scope of a key: `(tenant, action, key)`. */
export interface IdempotencyScope {
  readonly tenant_id: string
  readonly action: string
  readonly key: string
}

export interface IdempotencyClaimRequest extends IdempotencyScope {
  /** Hash of the canonical inputs and caller; a different one under the same key is a conflict. */
  readonly fingerprint: string
  /** Unique per attempt; proves ownership when completing. */
  readonly owner: string
  /** ISO time after which an unfinished claim may be taken over. */
  readonly lease_until: string
  readonly now: string
}

export type ClaimResult =
  /** The caller owns the key and must run, then `complete`. `recovered` is true when a dead holder's expired lease was taken over. */
  | { readonly kind: 'claimed'; readonly recovered: boolean }
  /** Another attempt holds a live lease. */
  | { readonly kind: 'in_flight'; readonly fingerprint: string }
  /** Already finished; `outcome` is the stored outcome, byte-identical each time. */
  | { readonly kind: 'completed'; readonly fingerprint: string; readonly outcome: string }

export interface IdempotencyStore {
  /**
   * Atomically claims the key.
   * @remarks Under concurrent invocation for one scope exactly one caller gets
   * `claimed`; the others get `in_flight` or `completed`. A claim whose lease
   * has passed may be taken over by exactly one caller.
   */
  claim(request: IdempotencyClaimRequest): Promise<ClaimResult>
  /**
   * Stores the outcome (serialised JSON text, kept byte for byte) if `owner`
   * still holds the claim. Returns false if the claim was lost (lease taken over).
   */
  complete(
    scope: IdempotencyScope,
    owner: string,
    outcome: string,
    expires_at: string,
    now: string,
  ): Promise<boolean>
  /** Extends the lease of a live claim held by `owner`. */
  extend(scope: IdempotencyScope, owner: string, lease_until: string): Promise<boolean>
  /** Drops a claim held by `owner` without an outcome (so the key can be used again). */
  release(scope: IdempotencyScope, owner: string): Promise<void>
  get(
    scope: IdempotencyScope,
  ): Promise<{ fingerprint: string; state: 'in_flight' | 'completed'; outcome: string | null } | null>
  /**
   * Deletes completed records whose retention has passed, and, given
   * `abandoned_before`, in-flight claims whose lease ended before it: a
   * holder that died, and whose key no call took over (a retry with other
   * inputs cannot), would otherwise keep the key for ever. Returns how many.
   */
  purge(now: string, abandoned_before?: string): Promise<number>
}

// -------------------------------------------------------------------- nonces

export interface NonceStore {
  /**
   * Records a ticket nonce as used.
   * @remarks Returns true for exactly one caller per nonce, across every
   * process sharing the store; false for every other.
   */
  consume(nonce: string, expires_at: string): Promise<boolean>
  /** Forgets nonces whose expiry is before `now`. */
  purge(now: string): Promise<number>
}

// --------------------------------------------------------------------- audit

export interface AuditFilter {
  readonly tenant_id?: string
  readonly action?: string
  readonly actor?: string
  readonly decision?: DecisionResult
  readonly status?: AuditStatus
  readonly request_id?: string
  readonly approval_id?: string
  /** Target id. Read from the event body: combine with an indexed field on large chains. */
  readonly target?: string
  /** Name of the deciding rule. Read from the event body, like `target`. */
  readonly rule?: string
  /** Inclusive ISO lower bound on `ts`. */
  readonly since?: string
  /** Exclusive ISO upper bound on `ts`. */
  readonly until?: string
}

export interface AuditStore {
  /**
   * Appends events to the chain in the given order, assigning `seq`,
   * `prev_hash` and `hash`. The batch is one transaction (one fsync).
   * @remarks Appends are serialised in the database (SQLite's single writer,
   * a lock on the chain head in PostgreSQL), so concurrent writers in any
   * number of processes never fork or break the chain.
   */
  append(events: readonly AuditEventInput[]): Promise<readonly AuditEvent[]>
  /** Newest first. */
  list(filter: AuditFilter, limit: number, cursor?: string | null): Promise<Page<AuditEvent>>
  /** Events in chain order with `seq > after`, at most `limit`. Used by verify and export. */
  range(after: number, limit: number): Promise<readonly AuditEvent[]>
  /**
   * Rows in chain order with `seq > after`, at most `limit`, as stored: the
   * body text itself and which indexed column disagrees with it. Lets
   * `audit verify` hash what is stored without parsing and re-serialising
   * every event. Optional: verification pages through `range` without it.
   */
  storedRange?(after: number, limit: number): Promise<readonly StoredAuditRow[]>
  /** The last event's seq and hash, or null for an empty chain. */
  head(): Promise<{ seq: number; hash: string } | null>
  /** Aggregates of one tenant's events in a time range (the dashboard's overview). */
  stats(query: AuditStatsQuery): Promise<AuditStats>
}

/** What {@link AuditStore.stats} aggregates over. */
export interface AuditStatsQuery {
  readonly tenant_id: string
  /** Inclusive ISO lower bound on `ts`. */
  readonly since: string
  /** Exclusive ISO upper bound on `ts`. */
  readonly until: string
  /** Width of a time bucket in seconds; buckets start at multiples of it since the Unix epoch. */
  readonly bucket_s: number
  /** How many top actions and actors to return. */
  readonly top: number
}

/** A name and how often it occurred. */
export interface AuditCount {
  readonly name: string
  readonly count: number
}

/** Aggregates of a tenant's audit events in a time range. */
export interface AuditStats {
  /** Request endings per bucket: `allowed`, `executed`, `denied`, `held` and `failed` events only; empty buckets are left out. */
  readonly buckets: readonly {
    readonly start: string
    readonly status: AuditStatus
    readonly count: number
  }[]
  /** Most requested actions and most active actors (allowed, started, denied and held events), most first. */
  readonly top_actions: readonly AuditCount[]
  readonly top_actors: readonly AuditCount[]
  /** Milliseconds from `held` to the first `approved` or `rejected`, for approvals decided in the range. */
  readonly approval_latencies_ms: readonly number[]
  /** Denials by a rate limit or circuit breaker, by limit kind (`rate`, `breaker`). */
  readonly limit_trips: readonly AuditCount[]
}

// ------------------------------------------------------------- merkle tree

/** How far the Merkle tree over the audit chain has integrated it. */
export interface MerkleHead {
  /** Leaves in the tree: the events up to and including seq `size`. */
  readonly size: number
  /** The chain hash of event `size` (the genesis hash when empty): the next event must link to it. */
  readonly last_hash: string
}

/** A stored perfect subtree: `2^level` leaves from leaf `index * 2^level`; `hash` is hex. */
export interface MerkleNode {
  readonly level: number
  readonly index: number
  readonly hash: string
}

/** A signed checkpoint as stored. */
export interface StoredCheckpoint {
  readonly origin: string
  readonly size: number
  /** Hex root hash. */
  readonly root: string
  /** The whole signed note. */
  readonly note: string
  readonly created_at: string
}

/** The columns stored beside an event's hashed body, as stored (for `audit verify`). */
export interface AuditIndexedColumns {
  readonly seq: number
  readonly id: string
  readonly ts: string
  readonly tenant_id: string
  readonly request_id: string
  readonly status: string
  readonly action: string
  readonly actor: string
  readonly decision: string | null
  readonly approval_id: string | null
}

/** One audit row as stored (see {@link AuditStore.storedRange}). */
export interface StoredAuditRow {
  readonly seq: number
  readonly prev_hash: string
  readonly hash: string
  /** The stored body: exactly the canonical text `hash` covers. */
  readonly body: string
  /**
   * The first indexed column whose stored value differs from the body's,
   * `'body'` when the body is not a JSON object, or null.
   */
  readonly forged: keyof AuditIndexedColumns | 'body' | null
}

/** Where an audit event sits in the chain. */
export interface ChainLink {
  readonly seq: number
  readonly prev_hash: string
  readonly hash: string
}

/**
 * The RFC 6962 Merkle tree over the audit chain and its signed checkpoints.
 * Kept apart from the chain's append path: an integrator reads committed
 * events in chain order and adds them here in its own transactions.
 */
export interface MerkleStore {
  head(): Promise<MerkleHead>
  /**
   * The chain links (`seq`, `prev_hash`, `hash`) of events with `seq > after`,
   * in seq order, at most `limit`: all the integrator needs, without reading
   * or parsing bodies.
   */
  links(after: number, limit: number): Promise<readonly ChainLink[]>
  /**
   * Stores `nodes` and moves the head from `from` to `to`, in one transaction.
   * @remarks Returns false, changing nothing, when the head is no longer
   * `from` (another integrator, in any process, got there first); so
   * integrating the same events twice is harmless.
   */
  integrate(from: MerkleHead, to: MerkleHead, nodes: readonly MerkleNode[]): Promise<boolean>
  /** The stored nodes among `keys` (missing ones are left out). */
  nodes(keys: readonly { level: number; index: number }[]): Promise<readonly MerkleNode[]>
  /**
   * Stores a checkpoint. `exists` when the same one is stored already;
   * `conflict` (nothing stored) when another note holds that origin and size.
   */
  addCheckpoint(checkpoint: StoredCheckpoint): Promise<'added' | 'exists' | 'conflict'>
  /** The largest checkpoint (of `origin`, or of any origin). */
  latestCheckpoint(origin?: string): Promise<StoredCheckpoint | null>
  /** Checkpoints, largest first, with `size < before` when given. */
  checkpoints(limit: number, before?: number | null): Promise<readonly StoredCheckpoint[]>
  /** The checkpoint of exactly `size` leaves, if one was issued. */
  checkpointAt(size: number): Promise<StoredCheckpoint | null>
  /** The seq of the event with this id, or null. */
  eventSeq(id: string): Promise<number | null>
  /** The indexed columns of events with `seq > after`, in seq order, at most `limit`. */
  indexedColumns(after: number, limit: number): Promise<readonly AuditIndexedColumns[]>
}

// ------------------------------------------------------------------- batch

/**
 * One write a request makes on its way through the pipeline; a
 * {@link Store.batch} commits many of them, from many requests, at once.
 */
export type WriteOp =
  /**
   * {@link IdempotencyStore.claim}. With `event`, the event is appended in
   * the same transaction when, and only when, this claim takes the key fresh
   * (`claimed`, not `recovered`): a run's `started` commits with its claim.
   */
  | {
      readonly kind: 'claim'
      readonly request: IdempotencyClaimRequest
      readonly event?: AuditEventInput
    }
  /** {@link AuditStore.append} of one event. */
  | { readonly kind: 'append'; readonly event: AuditEventInput }
  /** {@link IdempotencyStore.complete}. */
  | {
      readonly kind: 'complete'
      readonly scope: IdempotencyScope
      readonly owner: string
      readonly outcome: string
      readonly expires_at: string
      readonly now: string
    }

/** What one {@link WriteOp} gave, in the shape its single-call method returns. */
export type WriteResult =
  | {
      readonly kind: 'claim'
      readonly result: ClaimResult
      /** Only when the op carried an event: the event as stored, or null when the claim did not take the key fresh. */
      readonly event?: AuditEvent | null
    }
  | { readonly kind: 'append'; readonly event: AuditEvent }
  | { readonly kind: 'complete'; readonly stored: boolean }

// --------------------------------------------------------------------- store

/** What one `migrate()` call did. */
export interface MigrationResult {
  /** Migrations applied by this call; 0 when the store was already up to date. */
  readonly applied: number
}

export interface Store {
  /** `memory`, `sqlite` or `postgres`. */
  readonly kind: string
  readonly approvals: ApprovalStore
  readonly idempotency: IdempotencyStore
  readonly nonces: NonceStore
  readonly audit: AuditStore
  /** The Merkle tree and checkpoints over the audit chain (every built-in backend has it). */
  readonly merkle?: MerkleStore
  /** Cursors of the audit shippers (every built-in backend has it). */
  readonly shipping?: ShipperCursorStore
  /** Kill-switch freezes (every built-in backend has them); without it nothing can be frozen. */
  readonly freezes?: FreezeStore
  /** The policy version a replica announced after a reload (every built-in backend has it). */
  readonly policy_head?: PolicyHeadStore
  /**
   * Applies `ops` in order in one transaction (one commit, one fsync) and
   * returns one result per op, in the same order.
   * @remarks Each op behaves exactly as its single-call method would at that
   * point of the transaction (a claim sees an earlier claim of the same key in
   * the batch), with the same concurrency contract; the batch is
   * all-or-nothing, and durable when the promise resolves. Audit events are
   * appended in the order of their ops.
   */
  batch(ops: readonly WriteOp[]): Promise<readonly WriteResult[]>
  /**
   * Applies pending migrations; safe to call from several processes at once.
   * The built-in SQL stores say how many they applied (0: already up to date).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: stores written before the result existed return Promise<void>
  migrate(): Promise<MigrationResult | void>
  /** Throws when the store is unreachable. */
  ping(): Promise<void>
  /**
   * Whether the store's database can be reached, for stores that reach one
   * over a network (PostgreSQL). Absent for embedded stores.
   */
  readonly health?: DependencyHealth
  /**
   * Runs `fn` unless another process sharing the store is running work of
   * the same name; then resolves `undefined` without running it. Stores that
   * only one process can open need not implement it.
   */
  exclusive?<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>
  /**
   * Change announcements between the processes sharing the store (approval
   * decisions first of all), for stores several processes share over a
   * network. Without it, waiters poll.
   */
  readonly changes?: ChangeFeed
  /** Closes what the store opened itself (never a client the user passed in). */
  close(): Promise<void>
}
