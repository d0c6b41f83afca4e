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
  /** The newest signed checkpoint when the batch was read, if the log issues them (it may not cover every event of the batch yet, except for a {@link Sink.checkpointed} sink). */
  readonly checkpoint: StoredCheckpoint | null
  /**
   * For a sink that asks for {@link Sink.checkpointed} batches whose last
   * event ends before `checkpoint.size`: the RFC 6962 consistency proof from
   * the tree of the batch's last seq to the checkpoint's tree.
   */
  readonly consistency?: readonly Uint8Array[]
}

/** How a {@link Sink.checkpointed} sink wants its batches. */
export interface CheckpointedBatches {
  /** The log issues checkpoints, so ship nothing before its first one. */
  readonly await_first: boolean
}

/** A receiver of audit batches. */
export interface Sink {
  /** `files`, `webhook`, `s3` or `syslog`. */
  readonly kind: string
  /**
   * Every batch must be covered by its checkpoint, so each delivery can be
   * verified alone: the shipper reads the checkpoint first, ships only
   * events up to its size (the rest wait for the next checkpoint), and adds
   * the consistency proof from the batch's last event to it.
   */
  readonly checkpointed?: CheckpointedBatches
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
