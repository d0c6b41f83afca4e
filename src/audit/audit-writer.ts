/**
 * Group commit for audit events alone: many concurrent writes, few appends.
 *
 * @module
 */
import { GroupCommit } from '../store/group-commit.js'
import type { AuditStore, WriteResult } from '../store/store.js'
import type { AuditEvent, AuditEventInput } from './audit-event.js'

/** Options of {@link AuditWriter}. */
export interface AuditWriterOptions {
  /** Most events in one append (one transaction). Default 500. */
  readonly maxBatch?: number
}

/** Where the record stage sends its events: an {@link AuditWriter}, or a {@link GroupCommit} shared with other writes. */
export interface EventWriter {
  /** Resolves with the event as stored in the chain, once it is durable. */
  write(event: AuditEventInput): Promise<AuditEvent>
  /** Refuses new writes and waits for the queued ones. */
  close(): Promise<void>
}

/**
 * Batches concurrent {@link AuditWriter.write} calls from one process into
 * single {@link AuditStore.append} calls.
 *
 * @remarks The batching is {@link GroupCommit}'s, over `append` alone (for a
 * store used without the rest of the pipeline): while one append is in
 * flight new events queue, and the next append carries all of them. Events
 * keep the order of their `write` calls; each caller's promise resolves only
 * once its event is durably stored, and rejects if it could not be.
 */
export class AuditWriter implements EventWriter {
  readonly #commit: GroupCommit

  constructor(audit: AuditStore, options: AuditWriterOptions = {}) {
    this.#commit = new GroupCommit(
      {
        // Only `append` ops ever reach this batch: `write` is the one way in.
        async batch(ops): Promise<readonly WriteResult[]> {
          const events = ops.flatMap((op) => (op.kind === 'append' ? [op.event] : []))
          return (await audit.append(events)).map((event) => ({ kind: 'append', event }))
        },
      },
      options,
    )
  }

  /** Appends one event; resolves with it as stored in the chain (with `seq`, `prev_hash`, `hash`). */
  write(event: AuditEventInput): Promise<AuditEvent> {
    return this.#commit.append(event)
  }

  /** Resolves once every event written so far has been appended (or has failed). */
  flush(): Promise<void> {
    return this.#commit.flush()
  }

  /** Refuses new writes and waits for the queued ones. */
  close(): Promise<void> {
    return this.#commit.close()
  }
}
