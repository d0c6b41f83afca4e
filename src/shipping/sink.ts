/**
 * The contract between a shipper and where it ships to.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import type { StoredCheckpoint } from '../store/store.js'

/** One delivery: consecutive committed events in chain order. */
export interface ShipBatch {
  /** The shipper's name (receivers can tell several gateways or shippers apart). */
  readonly shipper: string
  /** Never empty; `events[i].seq === events[0].seq + i`. */
  readonly events: readonly AuditEvent[]
  /** The newest signed checkpoint when the batch was read, if the log issues them (it may not cover every event of the batch yet). */
  readonly checkpoint: StoredCheckpoint | null
}

/** A receiver of audit batches. */
export interface Sink {
  /** `files`, `webhook`, `s3` or `syslog`. */
  readonly kind: string
  /**
   * Delivers the batch, resolving only once the receiver has it (a file
   * synced, a 2xx, a stored object, bytes accepted by the syslog connection).
   * @remarks Rejects when it did not; the shipper then offers the same events
   * again later, so a sink must accept a batch it may partly have seen.
   */
  deliver(batch: ShipBatch): Promise<void>
  /** Called on passes with nothing new, with the newest checkpoint (files close on time here). */
  idle?(checkpoint: StoredCheckpoint | null): Promise<void>
  /** Flushes and releases what the sink holds open. */
  close?(): Promise<void>
}
