/**
 * Claim: idempotency. A request with an idempotency key either takes the key
 * (and later settles it with its outcome) or gets the stored outcome of the
 * earlier request with that key back (replay).
 *
 * Reads: the idempotency store through the gate, the sealer. Writes: the
 * claim, later its sealed outcome; a `replayed` audit event on replay. A run
 * that needs no approval hands in its `started` event, committed with the
 * claim when, and only when, its first claim takes the key fresh (not on a
 * replay, a wait, or a dead holder's recovered key, which may already have
 * held); a run whose key came free later records it in the run stage.
 * Guarantees: of concurrent requests with one key, exactly one runs (the
 * store's claim is atomic); the others replay its outcome, or are told it
 * is still in progress. The claim is taken before the hold, so a retried
 * call that needs approval gets the same pending approval back. A key whose
 * handler may have run but whose end was not recorded keeps an
 * unknown-result failure instead of being freed: running twice is worse.
 * Stored outcomes are sealed and bound to their key, so one cannot be
 * swapped for another's.
 *
 * @module
 */

import type { AuditEvent } from '../../audit/audit-event.js'
import { requestFingerprint } from '../../idempotency/fingerprint.js'
import type { ClaimHandle, ClaimLoss } from '../../idempotency/idempotency-gate.js'
import { outcomeSealContext, storedIdempotencyKey } from '../../idempotency/key-scope.js'
import type { Outcome } from '../../outcome.js'
import type { IdempotencyClaimRequest } from '../../store/store.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import { failedOutcome, type Settle } from '../record/outcomes.js'
import type { RecordFields } from '../record/recorder.js'
import type { AuthorizedRequest, RequestContext } from '../request-context.js'
import { heldOutcome } from './held-outcome.js'

/** What the rest of the pipeline does with a claimed key. */
export interface ClaimedKey {
  readonly kind: 'claimed'
  /** The run's `started` event when it was committed with the claim, else null. */
  readonly started: AuditEvent | null
  /** Tells the run when the claim is lost while it runs; null without a key. */
  readonly loss: ClaimLoss | null
  /** Stores the outcome under the key (nothing, once a settlement of it was confirmed). */
  settle(outcome: Outcome): Promise<void>
  /** The write that stores `outcome` under the key, to commit with the run's last event. */
  readonly settlement: Settle
  /** The request stopped with an error: free the key, or keep an unknown result if the handler may have run. */
  abort(handlerStarted: boolean): Promise<void>
  /** A hold stopped with an error: keep the key in flight for a later call to take over (see {@link ClaimHandle.leave}). */
  leave(): void
}

export type ClaimResult = ClaimedKey | { readonly kind: 'replayed'; readonly outcome: Outcome }

const NO_KEY: ClaimedKey = {
  kind: 'claimed',
  started: null,
  loss: null,
  settle: async () => undefined,
  settlement: () => null,
  abort: async () => undefined,
  leave: () => undefined,
}

export async function claim(
  deps: Pick<PipelineDeps, 'gate' | 'sealer' | 'recorder' | 'store' | 'approvals' | 'notifier'>,
  ctx: RequestContext,
  auth: AuthorizedRequest,
  started?: RecordFields,
): Promise<ClaimResult> {
  const { principal, action, idempotency_key } = ctx
  if (idempotency_key === null) return NO_KEY
  const key = storedIdempotencyKey(deps.gate.scope, principal.actor_id, idempotency_key)
  const aad = outcomeSealContext(principal.tenant_id, action, key)
  const fingerprint = requestFingerprint({
    action,
    inputs: auth.evaluation.inputs,
    actor_id: principal.actor_id,
    tenant_id: principal.tenant_id,
    target: auth.decision.target,
  })
  const held = async () => {
    const found = await heldOutcome(deps, ctx, fingerprint)
    if (found === null) return null
    // The holder may have died before telling the channels; the notice claim keeps this to once.
    if (found.approval.status === 'pending') {
      deps.notifier.notify(found.approval, auth.evaluation.definition?.description ?? '')
    }
    return deps.sealer.seal(found.outcome, aad)
  }
  let startedEvent: AuditEvent | null = null
  const withStarted =
    started === undefined
      ? undefined
      : async (request: IdempotencyClaimRequest) => {
          const taken = await deps.recorder.recordOnClaim('started', started, request)
          startedEvent = taken.event
          return taken.result
        }
  const taken = await deps.gate.begin({ tenant_id: principal.tenant_id, action, key }, fingerprint, {
    settledElsewhere: held,
    ...(withStarted ? { claim: withStarted } : {}),
  })
  if (taken.kind === 'replay') {
    return {
      kind: 'replayed',
      outcome: await replay(deps, ctx, auth, deps.sealer.open(taken.outcome, aad) as Outcome),
    }
  }
  // A dead holder's lease was taken over: if it got as far as holding, store that outcome rather than hold twice.
  const recovered = taken.recovered
    ? await held().catch(async (error: unknown) => {
        // Without a handle left to finish it, the key would stay in flight while its heartbeat runs.
        await taken.abandon().catch(() => undefined)
        throw error
      })
    : null
  if (recovered !== null) {
    await taken.finish(recovered)
    return {
      kind: 'replayed',
      outcome: await replay(deps, ctx, auth, deps.sealer.open(recovered, aad) as Outcome),
    }
  }
  return claimedKey(deps, ctx, taken, aad, startedEvent)
}

function claimedKey(
  deps: Pick<PipelineDeps, 'sealer'>,
  ctx: RequestContext,
  taken: ClaimHandle,
  aad: string,
  started: AuditEvent | null,
): ClaimedKey {
  // Set once a settlement's write was answered, stored or not: the key is then past writing to.
  let settled = false
  return {
    kind: 'claimed',
    started,
    loss: taken.loss,
    settle: async (outcome) => {
      if (!settled) await taken.finish(deps.sealer.seal(outcome, aad))
    },
    settlement: (outcome) => {
      const { op, confirm } = taken.completion(deps.sealer.seal(outcome, aad))
      return {
        op,
        confirm: (result) => {
          settled = true
          confirm(result.kind === 'complete' && result.stored)
        },
      }
    },
    abort: async (handlerStarted) => {
      // The outcome's write was answered: it was stored, or the claim was lost to another caller.
      if (settled) return
      // The handler was never called: free the key so a retry can run.
      if (!handlerStarted) return taken.abandon().catch(() => undefined)
      const unknown = failedOutcome(
        ctx.request_id,
        '',
        ctx.action,
        { message: 'The action started but its outcome could not be recorded', code: 'RESULT_UNKNOWN' },
        null,
      )
      await taken.finish(deps.sealer.seal(unknown, aad)).catch(() => undefined)
    },
    leave: () => {
      if (!settled) taken.leave()
    },
  }
}

/** Idempotency replay: the stored outcome, audited as `replayed`. */
async function replay(
  deps: Pick<PipelineDeps, 'recorder'>,
  ctx: RequestContext,
  auth: AuthorizedRequest,
  stored: Outcome,
): Promise<Outcome> {
  const event = await deps.recorder.record('replayed', {
    request_id: ctx.request_id,
    principal: ctx.principal,
    action: ctx.action,
    idempotency_key: ctx.idempotency_key,
    ticket_id: ctx.ticket_id,
    decision: auth.decision,
    reason: `Replayed the stored outcome (${stored.status}) for idempotency key '${ctx.idempotency_key}'`,
    context: { original_request_id: stored.request_id, original_status: stored.status },
    approval_id: 'approval_id' in stored ? stored.approval_id : null,
  })
  return { ...stored, replayed: true, audit_id: event.id } as Outcome
}
