/**
 * The approvals part of the persistence contract: the approval record and
 * the state transitions a store must make atomic.
 *
 * @module
 */
import type { DecisionResult } from '../policy/decision.js'
import type { Page } from './store.js'

/**
 * pending → approved | rejected | expired; approved → executing → executed | failed.
 * `executing` is claimed by exactly one process before the request runs.
 */
export type ApprovalStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'executing'
  | 'executed'
  | 'failed'

/** One approver's vote (quorum needs several distinct ones). */
export interface ApprovalVote {
  readonly approver: string
  readonly comment: string | null
  readonly at: string
}

export interface Approval {
  /** `apr-` followed by 24 hex characters. */
  readonly id: string
  readonly tenant_id: string
  readonly action: string
  readonly target: string | null
  readonly requester: string
  readonly requester_roles: readonly string[]
  readonly status: ApprovalStatus
  /** The policy decision that held the request. */
  readonly decision: DecisionResult
  readonly reason: string
  readonly rule: string | null
  readonly risk_class: string
  readonly effective_risk: string
  /** Redacted inputs, for display. */
  readonly inputs: unknown
  /** The original inputs, sealed (AES-256-GCM envelope, see audit/seal). */
  readonly sealed_inputs: string
  readonly idempotency_key: string | null
  readonly ticket_id: string | null
  readonly request_id: string
  /** Distinct approvals needed before the request runs (1 unless the action asks for a quorum). */
  readonly required_approvals: number
  readonly votes: readonly ApprovalVote[]
  /** The approver whose vote decided it (approved/rejected), or null. */
  readonly decided_by: string | null
  readonly comment: string | null
  readonly created_at: string
  readonly expires_at: string
  readonly decided_at: string | null
  readonly completed_at: string | null
  /** Outcome of the execution after approval (executed/failed), redacted. */
  readonly outcome: unknown
}

export type NewApproval = Omit<
  Approval,
  'status' | 'votes' | 'decided_by' | 'comment' | 'decided_at' | 'completed_at' | 'outcome'
>

export interface ApprovalListOptions {
  readonly status?: ApprovalStatus
  /** Only approvals this actor requested. */
  readonly requester?: string
  readonly limit: number
  readonly cursor?: string | null
}

export type VoteResult =
  /** The vote was counted; `approval.status` is `approved` once the quorum is reached, else still `pending`. */
  | { readonly kind: 'counted'; readonly approval: Approval }
  | { readonly kind: 'not_found' }
  /** Not pending any more (or expired by `now`); `status` says what it is. */
  | { readonly kind: 'already_decided'; readonly status: ApprovalStatus }
  /** This approver already voted. */
  | { readonly kind: 'duplicate_vote'; readonly approval: Approval }

export interface ApprovalStore {
  /** Inserts a new pending approval. Ids are unique; a duplicate id is an error. */
  create(approval: NewApproval): Promise<Approval>
  get(tenant_id: string, id: string): Promise<Approval | null>
  /**
   * The newest approval `requester` held under an idempotency key of `action`,
   * or null. Lets a retry find the approval an earlier attempt created when
   * that attempt died before storing its outcome under the key.
   * @remarks Keyed by requester too: with keys scoped per actor, two actors may
   * hold under the same raw key, and each retry must find its own approval.
   */
  forKey(
    tenant_id: string,
    action: string,
    idempotency_key: string,
    requester: string,
  ): Promise<Approval | null>
  /**
   * Takes the one right to tell the approval's channels about it.
   * @remarks Under concurrent invocation for one approval, in any number of
   * processes, exactly one caller ever gets true; every other call, then or
   * later, gets false (as does one for an unknown approval). So with N
   * replicas the channels hear of an approval at most once.
   */
  claimNotice(tenant_id: string, id: string, now: string): Promise<boolean>
  /** Newest first. The cursor is opaque and bound to the same filter. */
  list(tenant_id: string, options: ApprovalListOptions): Promise<Page<Approval>>
  /**
   * Adds an approving vote. When the distinct votes reach `required_approvals`
   * the approval moves pending → approved in the same atomic step.
   * @remarks Under concurrent invocation against the same pending approval,
   * votes are serialised: exactly one caller observes the transition to
   * `approved`; callers after it get `already_decided`. A pending approval
   * whose `expires_at` is before `now` is treated as expired (and marked so).
   */
  approve(tenant_id: string, id: string, vote: ApprovalVote, now: string): Promise<VoteResult>
  /**
   * pending → rejected.
   * @remarks Under concurrent invocation exactly one of all deciders (approve
   * or reject) wins; the others get `already_decided`.
   */
  reject(tenant_id: string, id: string, vote: ApprovalVote, now: string): Promise<VoteResult>
  /**
   * approved → executing: claims the right to run an approved request.
   * @remarks Exactly one concurrent caller, across processes, gets the updated
   * approval; every other gets null. Lenient to nothing else: a pending,
   * rejected, expired or already executing approval gives null.
   */
  startExecution(tenant_id: string, id: string, now: string): Promise<Approval | null>
  /**
   * pending → expired for one approval (a waiter gave up), whatever its `expires_at`.
   * @remarks Returns the expired approval, or null when it was no longer pending
   * (decided concurrently); exactly one of racing deciders and expirers wins.
   */
  expireOne(tenant_id: string, id: string, now: string): Promise<Approval | null>
  /**
   * executing (or approved) → executed | failed, storing the (redacted) outcome
   * and `completed_at`.
   * @remarks Exactly one concurrent caller gets the updated approval; every other gets null.
   */
  complete(
    tenant_id: string,
    id: string,
    status: 'executed' | 'failed',
    outcome: unknown,
    now: string,
  ): Promise<Approval | null>
  /** Marks every pending approval whose `expires_at` is before `now` as expired; returns them. */
  expire(now: string): Promise<readonly Approval[]>
  /**
   * How many approvals are `pending` now, in every tenant (including any past
   * `expires_at` the sweep has not reached yet).
   * @remarks Read from the store, so every replica sees the same figure.
   */
  countPending(): Promise<number>
}
