/**
 * The SQLite writer thread's entry: it owns a write connection of its own to
 * the store's file and commits the batches the main thread sends, one
 * transaction each, so the fsync never blocks the main thread's event loop.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { AirlockError } from '../../errors/airlock-error.js'
import { driverCode } from '../internal/database-failure.js'
import type { WriteOp } from '../store.js'
import { sqliteBatch } from './sqlite-batch.js'
import { configureDatabase, openDatabase, sqliteConnection } from './sqlite-connection.js'
import type { WriterReply, WriterRequest, WriterThreadData } from './sqlite-writer-protocol.js'

const { path, busyTimeoutMs } = workerData as WriterThreadData
const db = openDatabase(path)
configureDatabase(db, busyTimeoutMs)
const c = sqliteConnection(db)
const port = parentPort!

function commit(id: number, ops: readonly WriteOp[]): WriterReply {
  try {
    return { id, results: sqliteBatch(c, ops) }
  } catch (error) {
    // An AirlockError's code must survive the thread boundary (BAD_REQUEST
    // stays a 400); anything else is the driver's and reads as STORE_ERROR.
    // The driver's own code (SQLITE_BUSY…) goes too: it tells the database failing from a bad op.
    const code = AirlockError.isInstance(error) ? error.code : 'STORE_ERROR'
    const message = error instanceof Error ? error.message : String(error)
    const driver = driverCode(error)
    return { id, error: { code, message, ...(driver === undefined ? {} : { driver_code: driver }) } }
  }
}

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    c.clear()
    db.close()
    port.close()
    return
  }
  port.postMessage(commit(request.id, request.ops))
})
