/**
 * A store that reports what passes through it: audit commits (batch size
 * and time, and the committed events themselves), approval decision
 * latency, and failed operations.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import type { ApprovalStore, VoteResult } from '../store/approval-store.js'
import type { Store, WriteResult } from '../store/store.js'
import type { AirlockMetrics } from './airlock-metrics.js'

async function counted<T>(metrics: AirlockMetrics, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    metrics.storeError(operation)
    throw error
  }
}

function decided(metrics: AirlockMetrics, result: VoteResult): VoteResult {
  if (result.kind === 'counted' && result.approval.decided_at && result.approval.status !== 'pending') {
    const seconds = (Date.parse(result.approval.decided_at) - Date.parse(result.approval.created_at)) / 1000
    metrics.approvalDecided(result.approval.status, Math.max(0, seconds))
  }
  return result
}

function appended(results: readonly WriteResult[]): AuditEvent[] {
  return results.flatMap((r) => (r.kind === 'append' ? [r.event] : []))
}

/** Wraps `store` so that `metrics` sees its commits and failures; behaviour is unchanged. */
export function instrumentStore(store: Store, metrics: AirlockMetrics): Store {
  const approvals: ApprovalStore = {
    ...store.approvals,
    approve: async (...args) =>
      decided(metrics, await counted(metrics, 'approvals.approve', () => store.approvals.approve(...args))),
    reject: async (...args) =>
      decided(metrics, await counted(metrics, 'approvals.reject', () => store.approvals.reject(...args))),
  }
  return {
    ...store,
    approvals,
    audit: {
      ...store.audit,
      append: async (inputs) => {
        const started = performance.now()
        const events = await counted(metrics, 'audit.append', () => store.audit.append(inputs))
        metrics.commitBatch(events.length, (performance.now() - started) / 1000)
        metrics.committed(events)
        return events
      },
    },
    batch: async (ops) => {
      const started = performance.now()
      const results = await counted(metrics, 'batch', () => store.batch(ops))
      const events = appended(results)
      if (events.length > 0) {
        metrics.commitBatch(events.length, (performance.now() - started) / 1000)
        metrics.committed(events)
      }
      return results
    },
  }
}
