/**
 * The files sink: JSON Lines files in one directory, rotated by size and age.
 *
 * @remarks Events are appended to `<prefix>-<first seq>.jsonl.part` and
 * synced to disk before the delivery is acknowledged. A file due for
 * rotation is closed once a signed checkpoint ends at its last event (at
 * once when the log issues none, unless `await_checkpoint`): its last line is then that checkpoint, and
 * it is renamed `<prefix>-<first seq>-<last seq>.jsonl` (seqs zero-padded to
 * 12 digits, so names sort in chain order). After a restart the open `.part`
 * file is continued: a line cut short by a crash is dropped and events it
 * already holds are not written twice; one that already ends in its
 * checkpoint (the crash came before the rename) is renamed. A write or
 * close that fails part-way is treated the same way: the sink starts over
 * from the file as it is on disk, so a torn line is never written after.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises'
import { mkdir, open, readdir, readFile, rename, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditEvent } from '../audit/audit-event.js'
import { CHECKPOINT_LINE, parseAuditEventLine } from '../audit/jsonl.js'
import type { StoredCheckpoint } from '../store/store.js'
import { checkpointLine, eventLines } from './batch-lines.js'
import type { Sink } from './sink.js'

/** Options of {@link filesSink}. */
export interface FilesSinkConfig {
  /** The directory (created if missing). Give each shipper its own. */
  readonly dir: string
  /** File name prefix. Default `audit`. */
  readonly prefix?: string
  /** Rotate once a file reaches this many bytes. Default 64 MiB. */
  readonly max_bytes?: number
  /** Rotate once a file is this old. Default 1 hour. */
  readonly max_age_ms?: number
  /**
   * The log issues signed checkpoints, so a due file waits for one ending at
   * its last event even before the first exists; otherwise a file due before
   * the log's first checkpoint would close without one and fail
   * `audit verify --key`. Default false: close at once when there is none.
   */
  readonly await_checkpoint?: boolean
  readonly now?: () => number
}

interface OpenFile {
  readonly handle: FileHandle
  readonly first: number
  last: number
  bytes: number
  readonly opened_at: number
}

const pad = (seq: number) => String(seq).padStart(12, '0')

/** Creates a files sink. */
export function filesSink(config: FilesSinkConfig): Sink {
  const prefix = config.prefix ?? 'audit'
  const maxBytes = config.max_bytes ?? 64 * 1024 * 1024
  const maxAge = config.max_age_ms ?? 3_600_000
  const now = config.now ?? Date.now
  const partPath = (first: number) => join(config.dir, `${prefix}-${pad(first)}.jsonl.part`)
  let current: OpenFile | null = null
  let recovered = false
  /**
   * The last seq written to a file, by this sink or before a restart (in the
   * `.part` file it continued or closed). A batch whose delivery was not
   * acknowledged (a crash, a failed close) is offered again, though its
   * events may already be in that file: they are not written twice.
   */
  let written = 0

  async function recover(): Promise<void> {
    if (recovered) return
    await mkdir(config.dir, { recursive: true })
    const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{12})\\.jsonl\\.part$`)
    const parts = (await readdir(config.dir)).filter((f) => pattern.test(f)).sort()
    const newest = parts.at(-1)
    if (newest !== undefined)
      current = await reopen(join(config.dir, newest), Number(pattern.exec(newest)![1]))
    recovered = true
  }

  /** The open file continued, or null when it was finished all but its rename (which is done here). */
  async function reopen(path: string, first: number): Promise<OpenFile | null> {
    // After a failed sync, what the file reads back may not be on disk yet: it is counted as written only once it is.
    const probe = await open(path, 'r')
    try {
      await probe.sync()
    } finally {
      await probe.close()
    }
    const text = await readFile(path, 'utf8')
    // A line cut short by a crash was never acknowledged: drop it.
    const kept = text.slice(0, text.lastIndexOf('\n') + 1)
    const bytes = Buffer.byteLength(kept)
    if (bytes < Buffer.byteLength(text)) await truncate(path, bytes)
    const lines = kept.trimEnd().split('\n')
    const closed = lines.at(-1)?.startsWith(CHECKPOINT_LINE) === true
    const lastEvent = closed ? lines.at(-2) : lines.at(-1)
    const last = lastEvent ? seqOf(lastEvent, path) : first - 1
    written = Math.max(written, last)
    if (closed) {
      await rename(path, join(config.dir, `${prefix}-${pad(first)}-${pad(Math.max(last, first))}.jsonl`))
      await syncDir(config.dir)
      return null
    }
    return { handle: await open(path, 'a'), first, last, bytes, opened_at: now() }
  }

  /** Runs a write; if it fails, forgets the open file, so the next delivery reads it back from disk. */
  async function guarded(work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      await current?.handle.close().catch(() => undefined)
      current = null
      recovered = false
      throw error
    }
  }

  const due = (file: OpenFile) => file.bytes >= maxBytes || now() - file.opened_at >= maxAge
  const none = config.await_checkpoint !== true
  const covers = (cp: StoredCheckpoint | null, file: OpenFile) => (cp === null ? none : cp.size >= file.last)
  // A closed file's last event is its checkpoint's last leaf, so the files up to it rebuild the signed root.
  const ends = (cp: StoredCheckpoint | null, file: OpenFile) => (cp === null ? none : cp.size === file.last)

  async function finish(file: OpenFile, checkpoint: StoredCheckpoint | null): Promise<void> {
    if (checkpoint) await file.handle.appendFile(checkpointLine(checkpoint))
    await file.handle.sync()
    await file.handle.close()
    const last = file.last >= file.first ? file.last : file.first
    await rename(partPath(file.first), join(config.dir, `${prefix}-${pad(file.first)}-${pad(last)}.jsonl`))
    await syncDir(config.dir)
    current = null
  }

  async function append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return
    if (!current) {
      current = {
        handle: await open(partPath(events[0]!.seq), 'a'),
        first: events[0]!.seq,
        last: events[0]!.seq - 1,
        bytes: 0,
        opened_at: now(),
      }
    }
    const text = eventLines(events)
    await current.handle.appendFile(text)
    await current.handle.sync()
    current.bytes += Buffer.byteLength(text)
    current.last = events[events.length - 1]!.seq
    written = current.last
  }

  return {
    kind: 'files',
    deliver: (batch) =>
      guarded(async () => {
        await recover()
        // Already in a file (written before a crash or a failed close, offered again).
        let events = batch.events.filter((e) => e.seq > written)
        const cp = batch.checkpoint
        const file = current
        if (file && due(file) && covers(cp, file)) {
          if (cp) {
            await append(events.filter((e) => e.seq <= cp.size))
            events = events.filter((e) => e.seq > cp.size)
          }
          // A batch may stop short of the checkpoint: the file then closes on a later one.
          if (ends(cp, file)) await finish(file, cp)
        }
        await append(events)
      }),
    idle: (checkpoint) =>
      guarded(async () => {
        await recover()
        if (current && due(current) && ends(checkpoint, current)) await finish(current, checkpoint)
      }),
    async close() {
      // The open file stays `.part` and is continued by the next start.
      await current?.handle.close()
      current = null
      recovered = false
    },
  }
}

/** The seq of an event line of the file at `path`; throws when the line is not an audit event. */
function seqOf(line: string, path: string): number {
  const parsed = parseAuditEventLine(line)
  if ('event' in parsed) return parsed.event.seq
  throw new Error(
    `${path}: the last line is not an audit event (${parsed.error}); move the file aside to continue`,
  )
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
