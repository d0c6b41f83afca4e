import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { fileLines } from './file-lines.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-file-lines-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function both(content: string | Buffer): Promise<{ ours: string[]; readline: string[] }> {
  const path = join(dir, 'f.txt')
  writeFileSync(path, content)
  const ours: string[] = []
  for await (const lines of fileLines(path)) ours.push(...lines)
  const input = createReadStream(path, { encoding: 'utf8' })
  const readline: string[] = []
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }))
    readline.push(line)
  return { ours, readline }
}

// Reads are 64 KiB: these put a break, a CRLF or a multi-byte character across two reads.
const CHUNK = 1 << 16

describe('fileLines', () => {
  it('splits where readline does: LF, CRLF, a lone CR, blank lines, a last line without a break', async () => {
    for (const content of ['', 'a', 'a\n', 'a\nb', 'a\r\nb\r\n', 'a\rb\r', '\n\n\r\n\r\r\n', 'x\r\n\ny\r']) {
      const { ours, readline } = await both(content)
      expect(ours, JSON.stringify(content)).toEqual(readline)
    }
  })

  it('keeps a CRLF, a line and a character whole across reads', async () => {
    for (const [at, piece] of [
      [CHUNK - 1, '\r\n'],
      [CHUNK - 1, '\n\r'],
      [CHUNK, '\r\n'],
      [CHUNK - 2, '€'],
      [CHUNK - 1, '\u{1F600}'],
      [CHUNK * 2 - 1, '\r\r\n'],
    ] as const) {
      const content = `${'a'.repeat(at as number)}${piece}${'b'.repeat(CHUNK + 5)}\n${'c'.repeat(10)}`
      const { ours, readline } = await both(content)
      expect(ours).toEqual(readline)
    }
  })

  it('reads a line many reads long whole, whatever break and character follow it', async () => {
    for (const piece of ['\n', '\r\n', '\r', '€\n']) {
      const content = `x\n${'a'.repeat(5 * CHUNK + 3)}${piece}${'b'.repeat(3 * CHUNK)}\r\n${'c'.repeat(10)}`
      const { ours, readline } = await both(content)
      expect(ours).toEqual(readline)
    }
  })

  it('refuses bytes that are not UTF-8, naming the first line they can be in', async () => {
    // Replaced by U+FFFD, other bytes could stand for the character a hash covered.
    for (const [bytes, line] of [
      // Within a read: the read's first line is named.
      [[0x61, 0x0a, 0x62, 0xff, 0x0a], 1],
      // A sequence cut off at the end of the file: its own line.
      [[0x61, 0x0a, 0x62, 0x0a, 0xe2, 0x82], 3],
    ] as const) {
      const path = join(dir, 'bad.txt')
      writeFileSync(path, Buffer.from(bytes))
      const read = async () => {
        for await (const _ of fileLines(path)) {
          // reading to the end
        }
      }
      await expect(read()).rejects.toThrow(`is not valid UTF-8 (in line ${line} or a later one)`)
    }
    const { ours } = await both(Buffer.from('\uFEFF{"a":1}\n€\n'))
    expect(ours).toEqual(['\uFEFF{"a":1}', '€'])
  })

  it('rejects when the file cannot be read', async () => {
    await expect(fileLines(join(dir, 'missing')).next()).rejects.toThrow(/ENOENT/)
  })
})
