/**
 * The hold stage: durable approvals and who may decide them.
 *
 * @module
 */
import type { ActionDefinition } from '../actions/action-definition.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Principal } from '../identity/principal.js'
import { newId } from '../internal/ids.js'
import type { Decision } from '../policy/decision.js'
import type { Approval, ApprovalListOptions, ApprovalStore, NewApproval, Page } from '../store/store.js'

/** Approval settings. */
export interface ApprovalsConfig {
  /** How long a request may wait for a decision. Default 24 h. */
  readonly ttl_ms?: number
  /**
   * Roles a decider needs (any of them) when the action names none. Default
   * {@link DEFAULT_APPROVER_ROLES}. An explicit empty list lets anyone
   * authenticated (but the requester) decide, and is warned about at start.
   */
  readonly approver_roles?: readonly string[]
  /** Let a requester decide their own request. Default false. */
  readonly allow_self_approval?: boolean
  /**
   * Refuse an approval given through a channel that could not show the whole
   * request (arguments left out or values cut). Default false: the channel
   * marks the cut, with the full size and hash, and approving is allowed.
   */
  readonly require_full_view?: boolean
}

/** Who may decide when neither the action nor the configuration says: holders of the `approver` role. */
export const DEFAULT_APPROVER_ROLES: readonly string[] = Object.freeze(['approver'])

/** Seals and redacts the original inputs of a held request. */
export interface InputProtector {
  seal(value: unknown, aad: string): string
  open(sealed: string, aad: string): unknown
  redact(value: unknown): unknown
}

export interface HoldRequest {
  readonly principal: Principal
  readonly definition: ActionDefinition
  readonly decision: Decision
  readonly inputs: unknown
  readonly request_id: string
  readonly idempotency_key: string | null
}

/** What a held request keeps sealed: the original inputs and who asked, in full. */
export interface SealedRequest {
  readonly inputs: unknown
  readonly requester: Principal
}

/** What a vote led to. */
export type VoteOutcome =
  | { readonly kind: 'pending'; readonly approval: Approval }
  | { readonly kind: 'approved'; readonly approval: Approval; readonly request: SealedRequest }
  | { readonly kind: 'rejected'; readonly approval: Approval }

/** Creates approvals and applies votes under the rules of who may decide. */
export class ApprovalService {
  readonly #store: ApprovalStore
  readonly #protector: InputProtector
  readonly #ttl: number
  readonly #roles: readonly string[]
  readonly #allowSelf: boolean
  readonly #fullView: boolean
  readonly #now: () => Date
  readonly #getAction: (name: string) => ActionDefinition | undefined

  constructor(deps: {
    store: ApprovalStore
    protector: InputProtector
    config?: ApprovalsConfig | undefined
    now: () => Date
    getAction: (name: string) => ActionDefinition | undefined
  }) {
    this.#store = deps.store
    this.#protector = deps.protector
    this.#ttl = deps.config?.ttl_ms ?? 24 * 3600_000
    this.#roles = deps.config?.approver_roles ?? DEFAULT_APPROVER_ROLES
    this.#allowSelf = deps.config?.allow_self_approval ?? false
    this.#fullView = deps.config?.require_full_view ?? false
    this.#now = deps.now
    this.#getAction = deps.getAction
  }

  /**
   * The pending approval for a held request, not yet stored: the original
   * inputs and the requester (roles, groups, scopes, delegation chain) sealed,
   * a redacted copy of the inputs for display. Store it with {@link create}
   * once the hold is audited.
   */
  prepare(request: HoldRequest): NewApproval {
    const id = newId('apr')
    const now = this.#now()
    const sealed: SealedRequest = { inputs: request.inputs, requester: request.principal }
    return {
      id,
      tenant_id: request.principal.tenant_id,
      action: request.definition.name,
      target: request.decision.target,
      requester: request.principal.actor_id,
      requester_roles: request.principal.roles,
      decision: request.decision.decision,
      reason: request.decision.reason,
      rule: request.decision.rule,
      risk_class: request.decision.risk_class,
      effective_risk: request.decision.effective_risk,
      inputs: this.#protector.redact(request.inputs),
      sealed_inputs: this.#protector.seal(sealed, id),
      idempotency_key: request.idempotency_key,
      ticket_id: request.decision.ticket_id,
      request_id: request.request_id,
      required_approvals: request.definition.required_approvals,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + this.#ttl).toISOString(),
    }
  }

  /** Stores a prepared approval as pending. */
  create(approval: NewApproval): Promise<Approval> {
    return this.#store.create(approval)
  }

  async get(principal: Principal, id: string): Promise<Approval> {
    const approval = await this.#store.get(principal.tenant_id, id)
    if (!approval) throw new AirlockError(ErrorCode.APPROVAL_NOT_FOUND, `Approval '${id}' not found`)
    return approval
  }

  list(principal: Principal, options: ApprovalListOptions): Promise<Page<Approval>> {
    return this.#store.list(principal.tenant_id, options)
  }

  /**
   * Records a decision by `decider`.
   *
   * `view` is `partial` when the decider's channel could not show the whole request.
   *
   * @throws AirlockError `APPROVAL_NOT_FOUND`, `APPROVAL_SELF_DECISION`,
   * `APPROVER_NOT_ALLOWED` (also for a partial view under `require_full_view`), or `APPROVAL_ALREADY_DECIDED` (naming the state).
   */
  async vote(
    decider: Principal,
    id: string,
    verdict: 'approve' | 'reject',
    comment: string | null,
    view: 'full' | 'partial' = 'full',
  ): Promise<VoteOutcome> {
    const approval = await this.get(decider, id)
    if (!this.#allowSelf && this.#isSelf(decider, approval)) {
      throw new AirlockError(
        ErrorCode.APPROVAL_SELF_DECISION,
        `'${decider.actor_id}' cannot decide their own request (or one made on their behalf)`,
      )
    }
    if (verdict === 'approve' && this.#fullView && view === 'partial') {
      throw new AirlockError(
        ErrorCode.APPROVER_NOT_ALLOWED,
        `'${decider.actor_id}' approved through a channel that could not show the whole request; approvals.require_full_view refuses that`,
      )
    }
    const definition = this.#getAction(approval.action)
    const roles = definition && definition.approver_roles.length > 0 ? definition.approver_roles : this.#roles
    if (roles.length > 0 && !roles.some((r) => decider.roles.includes(r))) {
      throw new AirlockError(
        ErrorCode.APPROVER_NOT_ALLOWED,
        `'${decider.actor_id}' needs one of the roles ${roles.join(', ')} to decide '${approval.action}'`,
      )
    }
    const now = this.#now().toISOString()
    const vote = { approver: decider.actor_id, comment, at: now }
    const result =
      verdict === 'approve'
        ? await this.#store.approve(decider.tenant_id, id, vote, now)
        : await this.#store.reject(decider.tenant_id, id, vote, now)
    switch (result.kind) {
      case 'not_found':
        throw new AirlockError(ErrorCode.APPROVAL_NOT_FOUND, `Approval '${id}' not found`)
      case 'already_decided':
        throw new AirlockError(
          ErrorCode.APPROVAL_ALREADY_DECIDED,
          `Approval '${id}' is already ${result.status}`,
          {
            // `expired_now`: it was pending when this vote began, so this vote found it past its TTL.
            details: {
              status: result.status,
              expired_now: result.status === 'expired' && approval.status === 'pending',
            },
          },
        )
      case 'duplicate_vote':
        throw new AirlockError(
          ErrorCode.APPROVAL_ALREADY_DECIDED,
          `'${decider.actor_id}' has already approved '${id}'; it needs ${result.approval.required_approvals} distinct approvers`,
          { details: { status: result.approval.status } },
        )
      case 'counted': {
        const updated = result.approval
        if (updated.status === 'rejected') return { kind: 'rejected', approval: updated }
        if (updated.status === 'approved') {
          return { kind: 'approved', approval: updated, request: this.open(updated) }
        }
        return { kind: 'pending', approval: updated }
      }
    }
  }

  /** The original inputs and requester of a held request. */
  open(approval: Approval): SealedRequest {
    return this.#protector.open(approval.sealed_inputs, approval.id) as SealedRequest
  }

  /**
   * A decider is "self" when the two identities share anyone: the decider
   * asked, delegated to whoever asked (at any depth), acts on a delegation from
   * the requester (at any depth), or both act for a common delegator (two
   * workers of one orchestrator). Comparing only roots let a requester approve
   * through someone it delegated to further down the chain.
   */
  #isSelf(decider: Principal, approval: Approval): boolean {
    if (approval.requester === decider.actor_id) return true
    const requester = this.open(approval).requester
    const requesterSide = new Set([requester.actor_id, ...requester.delegation_chain.map((l) => l.actor_id)])
    if (requesterSide.has(decider.actor_id)) return true
    return decider.delegation_chain.some((link) => requesterSide.has(link.actor_id))
  }

  /**
   * approved → executing: the right to run an approved request, won by exactly
   * one caller across processes.
   * @throws AirlockError `APPROVAL_ALREADY_DECIDED` naming the state for every other caller.
   */
  async startExecution(approval: Approval): Promise<Approval> {
    const claimed = await this.#store.startExecution(
      approval.tenant_id,
      approval.id,
      this.#now().toISOString(),
    )
    if (claimed) return claimed
    const current = await this.#store.get(approval.tenant_id, approval.id)
    throw new AirlockError(
      ErrorCode.APPROVAL_ALREADY_DECIDED,
      `Approval '${approval.id}' is already ${current?.status ?? 'gone'}`,
      { details: { status: current?.status ?? null } },
    )
  }

  /** pending → expired now (a waiter gave up); null when it was decided meanwhile. */
  expireNow(principal: Principal, id: string): Promise<Approval | null> {
    return this.#store.expireOne(principal.tenant_id, id, this.#now().toISOString())
  }

  /** executing → executed | failed with the redacted outcome. */
  complete(approval: Approval, status: 'executed' | 'failed', outcome: unknown): Promise<Approval | null> {
    return this.#store.complete(
      approval.tenant_id,
      approval.id,
      status,
      this.#protector.redact(outcome),
      this.#now().toISOString(),
    )
  }

  /** Expires every pending approval past its TTL; returns them. */
  expireDue(): Promise<readonly Approval[]> {
    return this.#store.expire(this.#now().toISOString())
  }
}
