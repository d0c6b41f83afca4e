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
import { StringDecoder } from 'node:string_decoder'

/** Bytes read at a time: a few hundred lines of an audit log; also the most a batch of lines holds beyond one line. */
const CHUNK_BYTES = 1 << 16

/**
 * Yields the file's lines in order, a chunk's worth at a time, without their
 * terminators. A final line without a terminator is yielded; an empty file,
 * or a last terminator, yields no empty line after it. Rejects when the file
 * cannot be read.
 */
export async function* fileLines(path: string): AsyncGenerator<readonly string[]> {
  const file = await open(path, 'r')
  // One buffer for every read, and no read-ahead: a chunk's text is garbage as soon as its lines are.
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  const decoder = new StringDecoder('utf8')
  let partial = ''
  let afterCr = false
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null)
      if (bytesRead === 0) break
      const chunk = decoder.write(bytesRead === CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead))
      if (chunk === '') continue
      const lines: string[] = []
      // A \r ending the last chunk already ended its line: a \n right after it belongs to that break.
      let start = afterCr && chunk.charCodeAt(0) === 0x0a ? 1 : 0
      let cr = chunk.indexOf('\r', start)
      for (;;) {
        const lf = chunk.indexOf('\n', start)
        if (cr >= 0 && cr < start) cr = chunk.indexOf('\r', start)
        const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf
        if (end < 0) break
        lines.push(partial === '' ? chunk.slice(start, end) : partial + chunk.slice(start, end))
        partial = ''
        start = end === cr && chunk.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1
      }
      afterCr = chunk.charCodeAt(chunk.length - 1) === 0x0d
      partial += chunk.slice(start)
      if (lines.length > 0) yield lines
    }
    partial += decoder.end()
    if (partial !== '') yield [partial]
  } finally {
    await file.close()
  }
}
