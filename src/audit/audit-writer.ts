/**
 * Group commit for audit events: many concurrent writes, few appends.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { AuditStore } from '../store/store.js'
import type { AuditEvent, AuditEventInput } from './audit-event.js'

/** Options of {@link AuditWriter}. */
export interface AuditWriterOptions {
  /** Most events in one append (one transaction). Default 500. */
  readonly maxBatch?: number
}

interface Pending {
  readonly event: AuditEventInput
  readonly resolve: (stored: AuditEvent) => void
  readonly reject: (error: unknown) => void
}

/**
 * Batches concurrent {@link AuditWriter.write} calls from one process into
 * single {@link AuditStore.append} calls.
 *
 * @remarks While one append is in flight, new events queue; the moment it
 * finishes, everything queued (up to `maxBatch`) goes out as the next
 * append. There is no timer: a lone event is written on the next turn of the
 * event loop, and under load one transaction — one fsync — carries hundreds
 * of events. Events keep the
 * order of their `write` calls. Each caller's promise resolves only once its
 * event is durably stored, and rejects if it could not be: when a batch
 * fails, its events are retried one by one so a single bad event cannot sink
 * the others.
 */
export class AuditWriter {
  readonly #audit: AuditStore
  readonly #maxBatch: number
  #queue: Pending[] = []
  #flushing: Promise<void> | null = null
  #closed = false

  constructor(audit: AuditStore, options: AuditWriterOptions = {}) {
    const maxBatch = options.maxBatch ?? 500
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new AirlockError(
        ErrorCode.CONFIG_INVALID,
        `AuditWriter: maxBatch must be a positive integer, got ${maxBatch}`,
      )
    }
    this.#audit = audit
    this.#maxBatch = maxBatch
  }

  /** Appends one event; resolves with it as stored in the chain (with `seq`, `prev_hash`, `hash`). */
  write(event: AuditEventInput): Promise<AuditEvent> {
    if (this.#closed) {
      return Promise.reject(
        new AirlockError(ErrorCode.INTERNAL, 'the audit writer is closed; the event was not written'),
      )
    }
    return new Promise<AuditEvent>((resolve, reject) => {
      this.#queue.push({ event, resolve, reject })
      // The drain waits a turn of the event loop before each batch (see
      // #drain), so writes made meanwhile share the append and the caller
      // never runs a synchronous driver's commit on its own stack.
      this.#flushing ??= this.#drain()
    })
  }

  /** Resolves once every event written so far has been appended (or has failed). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing
  }

  /** Refuses new writes and waits for the queued ones. */
  async close(): Promise<void> {
    this.#closed = true
    await this.flush()
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        // Let pending I/O callbacks (new requests) run first, so they can join
        // this batch. With a synchronous driver (SQLite) the commit blocks the
        // event loop, and starting the next batch on a microtask would commit
        // only what the previous batch's callers managed to enqueue.
        await new Promise<void>((resolve) => setImmediate(resolve))
        const batch = this.#queue.splice(0, this.#maxBatch)
        await this.#appendBatch(batch)
      }
    } finally {
      this.#flushing = null
    }
  }

  async #appendBatch(batch: readonly Pending[]): Promise<void> {
    try {
      const stored = await this.#audit.append(batch.map((p) => p.event))
      batch.forEach((p, i) => {
        const event = stored[i]
        if (event) p.resolve(event)
        else
          p.reject(
            new AirlockError(ErrorCode.INTERNAL, 'the audit store returned fewer events than it was given'),
          )
      })
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error)
        return
      }
      // Nothing of a failed batch was stored (it is one transaction), so
      // retrying each event in order keeps the chain order.
      for (const pending of batch) await this.#appendBatch([pending])
    }
  }
}
