/**
 * WAL checkpoints of a busy SQLite store on a thread of their own.
 *
 * @remarks A checkpoint copies the pages the WAL holds into the database
 * file and fsyncs it. SQLite runs one inside the commit that takes the WAL
 * past `wal_autocheckpoint` pages, on the writing thread, so under load a
 * commit every second or two took 50–80 ms instead of about 1 ms, and every
 * request waiting on it waited as long. Here, while commits go on, a worker
 * thread with a connection of its own runs passive checkpoints (which never
 * block a writer) at most every `everyMs`, so the WAL is nearly all copied
 * by the time the writer's own checkpoint comes due, and that one has little
 * left to do. The writer keeps its automatic checkpoints: if this thread
 * falls behind or dies, nothing changes but the stall coming back.
 *
 * @module
 */
import { statSync } from 'node:fs'
import { type SpawnWorker, WorkerCalls } from '../../internal/worker-calls.js'

/** What the checkpoint thread is started with. */
export interface CheckpointerData {
  readonly path: string
  readonly busyTimeoutMs: number | undefined
}

/** Main thread → checkpoint thread. */
export type CheckpointRequest =
  | { readonly kind: 'checkpoint'; readonly id: number }
  | { readonly kind: 'close' }

/** Checkpoint thread → main thread: the pass is done, or why it failed. */
export type CheckpointReply = { readonly id: number } | { readonly id: number; readonly error: string }

/** Below this much WAL, a checkpoint saves the writer too little to be worth a thread. */
const WAL_BYTES_WORTH_IT = 4 * 1024 * 1024
/** The longest wait between passes after failures. */
const MAX_BACKOFF_MS = 60_000

/** Runs passive checkpoints of one database file on a worker thread, paced by its commits. */
export class SqliteCheckpointer {
  readonly #wal: string
  readonly #everyMs: number
  readonly #calls: WorkerCalls<CheckpointRequest, CheckpointReply, undefined>
  /** The wait between passes: `everyMs`, longer after failed passes. */
  #waitMs: number
  #running = false
  #lastStart = Number.NEGATIVE_INFINITY
  #closed = false

  /** `spawn` starts the thread; tests pass one that keeps the handle. */
  constructor(data: CheckpointerData, everyMs = 100, spawn?: SpawnWorker) {
    this.#wal = `${data.path}-wal`
    this.#everyMs = everyMs
    this.#waitMs = everyMs
    this.#calls = new WorkerCalls({
      from: import.meta.url,
      name: 'sqlite-checkpoint-worker',
      workerData: data,
      ...(spawn ? { spawn } : {}),
      read: (reply) => ('error' in reply ? { error: new Error(reply.error) } : { result: undefined }),
      died: (why) => new Error(`the checkpoint thread stopped (${why})`),
    })
  }

  /**
   * Tells the checkpointer a commit happened: starts a pass when none is
   * running, the last began `everyMs` ago or more (up to a minute after
   * passes that failed), and the WAL is large
   * enough to matter (a store that writes little never starts the thread).
   * Never throws: it runs after a commit, whose callers must not be told it
   * failed; a thread that cannot even start counts as a failed pass.
   */
  committed(): void {
    if (this.#running || this.#closed) return
    const now = performance.now()
    if (now - this.#lastStart < this.#waitMs) return
    this.#lastStart = now
    if (walBytes(this.#wal) < WAL_BYTES_WORTH_IT) return
    this.#running = true
    this.#calls
      .call((id) => ({ kind: 'checkpoint', id }))
      .then(
        () => {
          this.#waitMs = this.#everyMs
        },
        // A failed pass only leaves more for the writer's own checkpoint. A
        // thread that keeps failing (it cannot open the file) would be
        // started anew every pass, so each failure doubles the wait.
        () => {
          this.#waitMs = Math.min(Math.max(2 * this.#waitMs, 1_000), MAX_BACKOFF_MS)
        },
      )
      .finally(() => {
        this.#running = false
      })
  }

  /** Stops the thread, if one was started, once its pass (if any) is answered. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#calls.stop({ kind: 'close' })
  }
}

function walBytes(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}
