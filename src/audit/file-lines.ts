/**
 * The lines of a UTF-8 text file, read in large chunks.
 *
 * @remarks Splits where `readline` does with `crlfDelay: Infinity` (`\n`,
 * `\r\n`, and a lone `\r`, also when a `\r\n` straddles two chunks), so line
 * numbers stay what they were, but hands over each chunk's lines at once:
 * one await per chunk instead of one per line. Lines come as strings, or as
 * byte ranges for a caller that reads bytes (verification hashes them as
 * they are, without decoding).
 *
 * @module
 */
import { isUtf8 } from 'node:buffer'
import { open } from 'node:fs/promises'

/** Bytes read at a time: a few hundred lines of an audit log; also the most a batch of lines holds beyond one line. */
const CHUNK_BYTES = 1 << 16

/** Lines of a file as byte ranges of one buffer, valid only until the next batch is asked for. */
export interface LineBatch {
  readonly bytes: Buffer
  /** Offsets of each line's first byte and just past its last (its terminator excluded). */
  readonly starts: readonly number[]
  readonly ends: readonly number[]
}

/**
 * Yields the file's lines in order, a chunk's worth at a time, without their
 * terminators. A final line without a terminator is yielded; an empty file,
 * or a last terminator, yields no empty line after it. Rejects when the file
 * cannot be read or is not valid UTF-8.
 */
export async function* fileLines(path: string): AsyncGenerator<readonly string[]> {
  for await (const { bytes, starts, ends } of fileLineBytes(path)) {
    yield starts.map((start, i) => bytes.toString('utf8', start, ends[i]))
  }
}

/**
 * {@link fileLines} as bytes: each batch's lines are checked to be UTF-8,
 * and left undecoded for a caller that can use bytes.
 *
 * @remarks Two buffers take turns: the next read fills one while the lines
 * of the other are handed out, and the line a read cuts off moves to the
 * front of the next. A read that ends no line hands nothing out, so the one
 * after it goes on filling the same buffer: a line longer than a read is
 * scanned and copied in time linear in its length, not once per read.
 */
export async function* fileLineBytes(path: string): AsyncGenerator<LineBatch> {
  const file = await open(path, 'r')
  const buffers: Buffer[] = [Buffer.allocUnsafe(2 * CHUNK_BYTES), Buffer.allocUnsafe(2 * CHUNK_BYTES)]
  let turn = 0
  let done = 0
  let afterCr = false
  let reading: Promise<{ bytesRead: number }> | null = null
  const read = (into: Buffer, at: number) => {
    const next = file.read(into, at, CHUNK_BYTES, null)
    // Awaited below or in `finally`; until then a failed read must not count as unhandled.
    next.catch(() => undefined)
    return next
  }
  try {
    let bytes: Buffer = buffers[0]!
    let carried = 0
    reading = read(bytes, 0)
    for (;;) {
      const { bytesRead } = await reading
      reading = null
      const filled = carried + bytesRead
      if (bytesRead === 0) {
        checkUtf8(path, bytes, 0, filled, done)
        if (filled > 0) yield { bytes, starts: [0], ends: [filled] }
        return
      }
      // The carried bytes hold no line break (they would have ended a line): only the new ones are searched.
      const batch = splitLines(bytes, filled, afterCr && carried === 0, carried)
      afterCr = bytes[filled - 1] === 0x0d
      if (batch.starts.length === 0) {
        // Nothing handed out: the line goes on in this buffer, without the LF
        // of a CRLF the last read cut in two (then it is at most a read long).
        if (batch.rest > 0) bytes.copy(bytes, 0, batch.rest, filled)
        carried = filled - batch.rest
        bytes = grown(buffers, turn, carried)
        reading = read(bytes, carried)
        continue
      }
      checkUtf8(path, bytes, 0, batch.rest, done)
      // The cut-off line (at most one read's bytes) goes to the front of the other buffer, and the read after it.
      turn ^= 1
      carried = filled - batch.rest
      const next = buffers[turn]!
      bytes.copy(next, 0, batch.rest, filled)
      reading = read(next, carried)
      done += batch.starts.length
      yield { bytes, starts: batch.starts, ends: batch.ends }
      bytes = next
    }
  } finally {
    // A read still under way when the caller stops must end before the file closes.
    await reading?.catch(() => undefined)
    await file.close()
  }
}

/** The buffer at `turn` with room for a read after its first `filled` bytes, doubled (and copied) when it has none. */
function grown(buffers: Buffer[], turn: number, filled: number): Buffer {
  const bytes = buffers[turn]!
  if (bytes.length >= filled + CHUNK_BYTES) return bytes
  const larger = Buffer.allocUnsafe(2 * (filled + CHUNK_BYTES))
  bytes.copy(larger, 0, 0, filled)
  buffers[turn] = larger
  return larger
}

// Fatal: a replacement character would let other bytes stand for the ones that were hashed.
function checkUtf8(path: string, bytes: Buffer, from: number, to: number, done: number): void {
  if (to > from && !isUtf8(bytes.subarray(from, to))) {
    throw new Error(`${path} is not valid UTF-8 (in line ${done + 1} or a later one)`)
  }
}

/**
 * The lines `bytes[0, filled)` completes, each without its terminator, and
 * where the unfinished rest starts. `skipLf`: the batch before ended on a
 * \r, which already ended its line, so a \n right here belongs to that break.
 * Breaks are searched for from `from` on: the bytes before it hold none.
 */
function splitLines(
  buffer: Buffer,
  filled: number,
  skipLf: boolean,
  from: number,
): { starts: number[]; ends: number[]; rest: number } {
  // Only the filled part: indexOf would otherwise search the unused rest of a large buffer.
  const bytes = buffer.subarray(0, filled)
  const starts: number[] = []
  const ends: number[] = []
  let start = skipLf && bytes[0] === 0x0a ? 1 : 0
  let search = Math.max(start, from)
  // Found with indexOf (native, and \r is rare): not a byte at a time.
  let cr = bytes.indexOf(0x0d, search)
  for (;;) {
    const lf = bytes.indexOf(0x0a, search)
    if (cr >= 0 && cr < search) cr = bytes.indexOf(0x0d, search)
    const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf
    if (end < 0) break
    starts.push(start)
    ends.push(end)
    start = end === cr && end + 1 < filled && bytes[end + 1] === 0x0a ? end + 2 : end + 1
    search = start
  }
  return { starts, ends, rest: start }
}
