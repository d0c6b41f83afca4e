/**
 * The lines of a UTF-8 text file, read in large chunks.
 *
 * @remarks Splits where `readline` does with `crlfDelay: Infinity` (`\n`,
 * `\r\n`, and a lone `\r`, also when a `\r\n` straddles two chunks), so line
 * numbers stay what they were, but hands over each chunk's lines at once:
 * one await per chunk instead of one per line, and each line a slice of its
 * chunk's string rather than a copy.
 *
 * @module
 */
import { open } from 'node:fs/promises'

/** Bytes read at a time: a few hundred lines of an audit log; also the most a batch of lines holds beyond one line. */
const CHUNK_BYTES = 1 << 16

/**
 * Yields the file's lines in order, a chunk's worth at a time, without their
 * terminators. A final line without a terminator is yielded; an empty file,
 * or a last terminator, yields no empty line after it. Rejects when the file
 * cannot be read or is not valid UTF-8.
 */
export async function* fileLines(path: string): AsyncGenerator<readonly string[]> {
  const file = await open(path, 'r')
  // One buffer for every read: decoding copies a chunk out of it, so the
  // next read can fill it while that chunk's lines are checked.
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  // Fatal: a replacement character would let other bytes stand for the ones that were hashed.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  const split: SplitState = { partial: '', afterCr: false }
  let done = 0
  const decode = (bytes: Uint8Array | undefined) => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true })
    } catch {
      throw new Error(`${path} is not valid UTF-8 (in line ${done + 1} or a later one)`)
    }
  }
  const read = () => {
    const next = file.read(buffer, 0, CHUNK_BYTES, null)
    // Awaited below or in `finally`; until then a failed read must not count as unhandled.
    next.catch(() => undefined)
    return next
  }
  let reading: Promise<{ bytesRead: number }> | null = read()
  try {
    for (;;) {
      const { bytesRead } = await reading
      reading = null
      if (bytesRead === 0) break
      const chunk = decode(bytesRead === CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead))
      reading = read()
      const lines = splitLines(chunk, split)
      done += lines.length
      if (lines.length > 0) yield lines
    }
    const last = split.partial + decode(undefined)
    if (last !== '') yield [last]
  } finally {
    // A read still under way when the caller stops must end before the file closes.
    await reading?.catch(() => undefined)
    await file.close()
  }
}

/** What a chunk leaves for the next: the start of a line, and whether it ended on a \r. */
interface SplitState {
  partial: string
  afterCr: boolean
}

/** The lines `chunk` completes, each without its terminator. */
function splitLines(chunk: string, state: SplitState): string[] {
  const lines: string[] = []
  // A \r ending the last chunk already ended its line: a \n right after it belongs to that break.
  let start = state.afterCr && chunk.charCodeAt(0) === 0x0a ? 1 : 0
  let cr = chunk.indexOf('\r', start)
  for (;;) {
    const lf = chunk.indexOf('\n', start)
    if (cr >= 0 && cr < start) cr = chunk.indexOf('\r', start)
    const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf
    if (end < 0) break
    lines.push(state.partial === '' ? chunk.slice(start, end) : state.partial + chunk.slice(start, end))
    state.partial = ''
    start = end === cr && chunk.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1
  }
  if (chunk.length > 0) state.afterCr = chunk.charCodeAt(chunk.length - 1) === 0x0d
  state.partial += chunk.slice(start)
  return lines
}
