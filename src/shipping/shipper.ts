/**
 * An audit shipper: copies committed events, in chain order and at least
 * once, from the store to one sink, resuming from a stored cursor.
 *
 * @remarks Delivery contract: a batch is read with `audit.range` after the
 * cursor, handed to the sink, and the cursor moves past it only once the sink
 * has acknowledged it; so after a crash, a failed delivery or a restart the
 * same events are offered again (never skipped, never reordered; a receiver
 * may see some twice and can drop them by `seq`). Failures back off
 * exponentially. The shipper only reads the chain and writes its own cursor,
 * on its own timer: it never holds up the requests that write the chain.
 * Where the store offers {@link Store.exclusive}, one process at a time ships
 * under a name, so replicas sharing a store do not each send everything.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Store } from '../store/store.js'
import { type BackoffOptions, backoffDelay } from './backoff.js'
import { readCheckpointedBatch, readPlainBatch } from './read-batch.js'
import type { ShipBatch, Sink } from './sink.js'

/** Where a shipper reports failures. */
export interface ShipperLogger {
  error(object: Record<string, unknown>, message?: string): void
}

/** Options of {@link createShipper}. */
export interface ShipperOptions {
  /** Names the stored cursor: keep it stable across restarts. */
  readonly name: string
  readonly store: Pick<Store, 'audit' | 'merkle' | 'shipping' | 'exclusive'>
  readonly sink: Sink
  /** Events per batch. Default 500. */
  readonly batch_size?: number
  /** Pause between passes when caught up. Default 1 s. */
  readonly poll_interval_ms?: number
  readonly backoff?: BackoffOptions
  readonly logger?: ShipperLogger
  readonly now?: () => Date
}

/** What a shipper knows of its progress. */
export interface ShipperStatus {
  readonly name: string
  readonly sink: string
  /** Seq of the last acknowledged event. */
  readonly cursor: number
  /** Seq of the chain head when last looked at. */
  readonly head: number
  /** `head - cursor`: events committed but not yet acknowledged. */
  readonly lag: number
  /** Failures in a row (0 when the last pass succeeded). */
  readonly failures: number
  readonly last_error: string | null
}

/** A running (or runnable) shipper. */
export interface Shipper {
  readonly name: string
  /** Starts shipping on its own timer. */
  start(): void
  /** One pass: ships everything committed now, batch by batch; returns how many events were acknowledged. */
  pass(): Promise<number>
  /** Events committed but not yet acknowledged, as of the last pass (a plain number, for metrics). */
  lag(): number
  status(): ShipperStatus
  /** Stops the timer, waits for a pass under way, and closes the sink. */
  stop(): Promise<void>
}

/** Creates a shipper; it does nothing until {@link Shipper.start} or {@link Shipper.pass}. */
export function createShipper(options: ShipperOptions): Shipper {
  const { name, store, sink } = options
  const cursors = store.shipping
  if (!cursors) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'the store keeps no shipper cursors; use the memory, sqlite or postgres store',
    )
  }
  const batchSize = Math.max(1, Math.min(10_000, Math.floor(options.batch_size ?? 500)))
  const pollInterval = Math.max(10, options.poll_interval_ms ?? 1_000)
  const now = options.now ?? (() => new Date())
  const state = { cursor: 0, head: 0, failures: 0, last_error: null as string | null }
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let running: Promise<number> | null = null

  const readBatch = (cursor: number): Promise<ShipBatch> =>
    sink.checkpointed
      ? readCheckpointedBatch(store, name, cursor, batchSize, sink.checkpointed)
      : readPlainBatch(store, name, cursor, batchSize)

  async function shipAll(): Promise<number> {
    let cursor = (await cursors!.get(name)).seq
    state.cursor = cursor
    let shipped = 0
    for (;;) {
      const batch = await readBatch(cursor)
      const { events } = batch
      if (events.length === 0) {
        state.head = Math.max(state.head, cursor)
        await sink.idle?.(batch.checkpoint)
        return shipped
      }
      await sink.deliver(batch)
      const last = events[events.length - 1]!.seq
      if (await cursors!.advance(name, cursor, last, now().toISOString())) shipped += events.length
      // Otherwise another process moved the cursor: carry on from where it put it.
      cursor = (await cursors!.get(name)).seq
      state.cursor = cursor
      state.head = Math.max(state.head, last, (await store.audit.head())?.seq ?? 0)
    }
  }

  async function onePass(): Promise<number> {
    state.head = (await store.audit.head())?.seq ?? 0
    const exclusive = store.exclusive
    const shipped = exclusive ? await exclusive(`airlock-shipper:${name}`, shipAll) : await shipAll()
    if (shipped === undefined) state.cursor = (await cursors!.get(name)).seq
    return shipped ?? 0
  }

  function pass(): Promise<number> {
    running ??= onePass()
      .then(
        (n) => {
          state.failures = 0
          state.last_error = null
          return n
        },
        (error: unknown) => {
          state.failures++
          state.last_error = error instanceof Error ? error.message : String(error)
          throw error
        },
      )
      .finally(() => {
        running = null
      })
    return running
  }

  function schedule(delay: number): void {
    if (stopped) return
    timer = setTimeout(() => {
      pass().then(
        () => schedule(pollInterval),
        (error: unknown) => {
          options.logger?.error(
            { err: error, shipper: name, sink: sink.kind, failures: state.failures },
            'audit shipping failed; retrying',
          )
          schedule(backoffDelay(state.failures, options.backoff))
        },
      )
    }, delay)
    timer.unref()
  }

  return {
    name,
    start() {
      if (timer === undefined && !stopped) schedule(0)
    },
    pass,
    lag: () => Math.max(0, state.head - state.cursor),
    status: () => ({
      name,
      sink: sink.kind,
      cursor: state.cursor,
      head: state.head,
      lag: Math.max(0, state.head - state.cursor),
      failures: state.failures,
      last_error: state.last_error,
    }),
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running?.catch(() => undefined)
      await sink.close?.()
    },
  }
}
