import type { Approval, ApprovalVote, VoteResult } from '../store.js'
import { isoTime } from './iso-time.js'
import { badRequest } from './store-error.js'

/** What a vote does to a pending approval: the caller's result, and the row to write (null: write nothing). */
export interface VoteEffect {
  readonly result: VoteResult
  readonly next: Approval | null
}

/** Normalises a vote as it will be stored. */
export function normaliseVote(vote: ApprovalVote): ApprovalVote {
  if (typeof vote.approver !== 'string' || vote.approver === '') {
    throw badRequest('vote.approver must be a non-empty string')
  }
  return { approver: vote.approver, comment: vote.comment ?? null, at: isoTime(vote.at, 'vote.at') }
}

/**
 * The approval state machine for one vote, as a pure function. Every backend
 * calls it while holding the row (a lock, a write transaction, or the single
 * JavaScript thread), so the backends cannot drift apart.
 *
 * @remarks An approval is live while `now < expires_at`; at or after its
 * expiry a pending approval is marked `expired` and the vote is refused.
 */
export function castVote(
  approval: Approval,
  kind: 'approve' | 'reject',
  vote: ApprovalVote,
  now: string,
): VoteEffect {
  if (approval.status !== 'pending') {
    return { result: { kind: 'already_decided', status: approval.status }, next: null }
  }
  if (approval.expires_at <= now) {
    const next: Approval = { ...approval, status: 'expired', decided_at: now }
    return { result: { kind: 'already_decided', status: 'expired' }, next }
  }
  if (kind === 'reject') {
    const next: Approval = {
      ...approval,
      status: 'rejected',
      decided_by: vote.approver,
      comment: vote.comment,
      decided_at: now,
    }
    return { result: { kind: 'counted', approval: next }, next }
  }
  if (approval.votes.some((v) => v.approver === vote.approver)) {
    return { result: { kind: 'duplicate_vote', approval }, next: null }
  }
  const votes = [...approval.votes, vote]
  const next: Approval =
    votes.length >= approval.required_approvals
      ? {
          ...approval,
          votes,
          status: 'approved',
          decided_by: vote.approver,
          comment: vote.comment,
          decided_at: now,
        }
      : { ...approval, votes }
  return { result: { kind: 'counted', approval: next }, next }
}
