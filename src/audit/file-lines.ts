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
 * front of the next.
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
      const batch = splitLines(bytes, filled, afterCr && carried === 0)
      afterCr = filled > 0 && bytes[filled - 1] === 0x0d
      checkUtf8(path, bytes, 0, batch.rest, done)
      // The cut-off line goes to the front of the other buffer, and the read after it.
      turn ^= 1
      carried = filled - batch.rest
      const next = room(buffers, turn, carried)
      bytes.copy(next, 0, batch.rest, filled)
      reading = read(next, carried)
      done += batch.starts.length
      if (batch.starts.length > 0) yield { bytes, starts: batch.starts, ends: batch.ends }
      bytes = next
    }
  } finally {
    // A read still under way when the caller stops must end before the file closes.
    await reading?.catch(() => undefined)
    await file.close()
  }
}

/** The buffer at `turn`, grown when a line longer than a read is carried into it. */
function room(buffers: Buffer[], turn: number, carried: number): Buffer {
  if (buffers[turn]!.length < carried + CHUNK_BYTES)
    buffers[turn] = Buffer.allocUnsafe(2 * (carried + CHUNK_BYTES))
  return buffers[turn]!
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
 */
function splitLines(
  bytes: Buffer,
  filled: number,
  skipLf: boolean,
): { starts: number[]; ends: number[]; rest: number } {
  const starts: number[] = []
  const ends: number[] = []
  let start = skipLf && bytes[0] === 0x0a ? 1 : 0
  // Found with indexOf (native, and \r is rare): not a byte at a time.
  let cr = bytes.indexOf(0x0d, start)
  for (;;) {
    let lf = bytes.indexOf(0x0a, start)
    if (lf >= filled) lf = -1
    if (cr >= 0 && cr < start) cr = bytes.indexOf(0x0d, start)
    if (cr >= filled) cr = -1
    const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf
    if (end < 0) break
    starts.push(start)
    ends.push(end)
    start = end === cr && end + 1 < filled && bytes[end + 1] === 0x0a ? end + 2 : end + 1
  }
  return { starts, ends, rest: start }
}
