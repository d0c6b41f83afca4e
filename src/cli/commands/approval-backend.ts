/**
 * Where `airlock approval` reads and decides approvals: the store directly
 * (through an `Airlock` built from the configuration), or a running gateway
 * over HTTP. Both answer with the gateway's wire shapes, so the command prints
 * the same thing either way.
 *
 * @module
 */
import type { Airlock } from '../../airlock.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { toWireApproval, toWireOutcome } from '../../http/to-wire.js'
import type { Principal } from '../../identity/principal.js'
import type { ApprovalStatus } from '../../store/store.js'
import { GatewayError, gatewayClient, RefusedError, type Wire } from '../gateway-client.js'

/** Error codes that mean "the decision was refused", not "something broke". */
const REFUSALS = new Set([
  'APPROVAL_NOT_FOUND',
  'APPROVAL_ALREADY_DECIDED',
  'APPROVAL_SELF_DECISION',
  'APPROVER_NOT_ALLOWED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
])

export { GatewayError, RefusedError, type Wire }

/** Where approvals are read and decided: the store directly, or a running gateway. */
export interface ApprovalBackend {
  list(
    status: ApprovalStatus | undefined,
    limit: number,
  ): Promise<{ items: Wire[]; next_cursor: string | null }>
  show(id: string): Promise<Wire>
  /** The wire body: an outcome plus `approval`, or `{ status: 'pending_approval' | 'approved', approval }`. */
  approve(id: string, comment: string | null): Promise<Wire>
  reject(id: string, comment: string | null): Promise<Wire>
  close(): Promise<void>
}

// The audit record says when a decision's identity came from unsigned flags.
function cliChannel(caller: Principal): string {
  return caller.auth === 'cli_unsafe_local' ? 'cli --unsafe-local' : 'cli'
}

export function storeBackend(airlock: Airlock, caller: Principal): ApprovalBackend {
  const refusal = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      if (AirlockError.isInstance(error) && REFUSALS.has(error.code))
        throw new RefusedError(error.message, error.code)
      throw error
    }
  }
  return {
    list: async (status, limit) => {
      const page = await airlock.approvals.list(caller, { limit, ...(status ? { status } : {}) })
      return { items: page.items.map(toWireApproval), next_cursor: page.next_cursor }
    },
    show: (id) => refusal(async () => toWireApproval(await airlock.approvals.get(caller, id))),
    approve: (id, comment) =>
      refusal(async () => {
        const result = await airlock.approvals.approve(id, {
          approver: caller,
          comment,
          channel: cliChannel(caller),
        })
        const approval = toWireApproval(result.approval)
        if (result.status === 'decided') return { ...toWireOutcome(result.outcome), approval }
        return {
          status: result.status === 'pending' ? 'pending_approval' : 'approved',
          approval_id: result.approval.id,
          approval,
        }
      }),
    reject: (id, comment) =>
      refusal(async () => {
        const approval = await airlock.approvals.reject(id, {
          approver: caller,
          comment,
          channel: cliChannel(caller),
        })
        return { status: 'rejected', approval_id: approval.id, approval: toWireApproval(approval) }
      }),
    close: () => airlock.close(),
  }
}

export function gatewayBackend(baseUrl: string, apiKey: string | undefined): ApprovalBackend {
  // An executed-then-failed approval answers 500 with an outcome; that is a result, not a broken gateway.
  const call = gatewayClient(baseUrl, apiKey, (status, wire) => status === 500 && wire.status === 'failed')
  const id = (value: string) => encodeURIComponent(value)
  return {
    list: async (status, limit) => {
      const query = new URLSearchParams({ limit: String(limit), ...(status ? { status } : {}) })
      const page = await call('GET', `/approvals?${query}`)
      return {
        items: (page.items as Wire[] | undefined) ?? [],
        next_cursor: (page.next_cursor as string | null) ?? null,
      }
    },
    show: (value) => call('GET', `/approvals/${id(value)}`),
    approve: (value, comment) =>
      call('POST', `/approvals/${id(value)}/approve`, comment === null ? {} : { comment }),
    reject: (value, comment) =>
      call('POST', `/approvals/${id(value)}/reject`, comment === null ? {} : { comment }),
    close: async () => undefined,
  }
}
