/**
 * Reading the next batch for a shipper: the events after its cursor and the
 * newest signed checkpoint.
 *
 * @module
 */
import { storeTree } from '../evidence/store-tree.js'
import type { Store } from '../store/store.js'
import type { CheckpointedBatches, ShipBatch } from './sink.js'

/** What reading a batch needs from the store. */
export type BatchSource = Pick<Store, 'audit' | 'merkle'>

/** Up to `limit` events after `cursor`, then the newest checkpoint (which may not cover them all yet). */
export async function readPlainBatch(
  store: BatchSource,
  shipper: string,
  cursor: number,
  limit: number,
): Promise<ShipBatch> {
  const events = await store.audit.range(cursor, limit)
  const checkpoint = (await store.merkle?.latestCheckpoint()) ?? null
  return { shipper, events, checkpoint }
}

/**
 * Up to `limit` events after `cursor` that the newest checkpoint covers, with
 * the consistency proof from the last of them to it.
 *
 * @remarks The checkpoint is read first, so every event it covers is
 * committed and integrated, and the proof can be built from the stored tree.
 * Events after it wait for the next checkpoint; before the log's first one,
 * nothing is shipped when `await_first`, and everything (without a
 * checkpoint) otherwise, as for a log that issues none.
 */
export async function readCheckpointedBatch(
  store: BatchSource,
  shipper: string,
  cursor: number,
  limit: number,
  wants: CheckpointedBatches,
): Promise<ShipBatch> {
  const checkpoint = (await store.merkle?.latestCheckpoint()) ?? null
  if (!checkpoint || !store.merkle) {
    const events = wants.await_first ? [] : await store.audit.range(cursor, limit)
    return { shipper, events, checkpoint: null }
  }
  const covered = Math.min(limit, checkpoint.size - cursor)
  if (covered <= 0) return { shipper, events: [], checkpoint }
  const events = await store.audit.range(cursor, covered)
  const last = events.at(-1)?.seq
  if (last === undefined || last === checkpoint.size) return { shipper, events, checkpoint }
  const consistency = await storeTree(store.merkle).consistency(last, checkpoint.size)
  return { shipper, events, checkpoint, consistency }
}
