/**
 * The benchmarks' "audit off": the memory store with every audit append
 * answered and thrown away, so a run measures the gateway's own cost with no
 * event linked, hashed, copied or stored. Not for anything but comparison:
 * a gateway must never run like this.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput } from '../src/audit/audit-event.js'
import { memoryStore } from '../src/store/memory/index.js'
import type { Store, WriteOp, WriteResult } from '../src/store/store.js'

const ZERO = '0'.repeat(64)

export function auditOffStore(): Store {
  const store = memoryStore()
  let seq = 0
  const discard = (event: AuditEventInput): AuditEvent => ({
    ...event,
    seq: ++seq,
    prev_hash: ZERO,
    hash: ZERO,
  })
  const batch = async (ops: readonly WriteOp[]): Promise<readonly WriteResult[]> => {
    const kept = await store.batch(ops.filter((op) => op.kind !== 'append'))
    let next = 0
    return ops.map((op) =>
      op.kind === 'append' ? { kind: 'append', event: discard(op.event) } : kept[next++]!,
    )
  }
  const audit = { ...store.audit, append: async (inputs: readonly AuditEventInput[]) => inputs.map(discard) }
  return { ...store, batch, audit }
}
