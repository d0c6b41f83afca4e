/**
 * The messages between the main thread and the SQLite writer thread.
 *
 * @module
 */
import type { ErrorCode } from '../../errors/error-codes.js'
import type { WriteOp, WriteResult } from '../store.js'

/** What the writer thread is started with. */
export interface WriterThreadData {
  readonly path: string
  readonly busyTimeoutMs: number | undefined
}

/** Main thread → writer: commit these ops as one transaction, or close the connection. */
export type WriterRequest =
  | { readonly kind: 'batch'; readonly id: number; readonly ops: readonly WriteOp[] }
  | { readonly kind: 'close' }

/** Writer → main thread: one reply per batch, its results or why it was not committed. */
export type WriterReply =
  | { readonly id: number; readonly results: readonly WriteResult[] }
  | {
      readonly id: number
      /** `driver_code`: the driver's code of the failure (`SQLITE_BUSY`…), when it had one. */
      readonly error: { readonly code: ErrorCode; readonly message: string; readonly driver_code?: string }
    }
