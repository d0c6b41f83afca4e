/**
 * The SQLite checkpoint thread's entry: a connection of its own to the
 * store's file that runs a passive checkpoint on each request, so copying
 * the WAL into the database never blocks the thread that commits.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { CheckpointerData, CheckpointReply, CheckpointRequest } from './sqlite-checkpointer.js'
import { configureDatabase, openDatabase } from './sqlite-connection.js'

const { path, busyTimeoutMs } = workerData as CheckpointerData
const db = openDatabase(path)
// synchronous=FULL, as on the writer: the copied pages are fsynced before
// SQLite may reuse the WAL they came from.
configureDatabase(db, busyTimeoutMs)
const port = parentPort!

function checkpoint(id: number): CheckpointReply {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    return { id }
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) }
  }
}

port.on('message', (request: CheckpointRequest) => {
  if (request.kind === 'close') {
    db.close()
    port.close()
    return
  }
  port.postMessage(checkpoint(request.id))
})
