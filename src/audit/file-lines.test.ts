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

  it('reads bytes that are not UTF-8 as readline does', async () => {
    const { ours, readline } = await both(Buffer.from([0x61, 0xff, 0x0a, 0xe2, 0x82]))
    expect(ours).toEqual(readline)
  })

  it('rejects when the file cannot be read', async () => {
    await expect(fileLines(join(dir, 'missing')).next()).rejects.toThrow(/ENOENT/)
  })
})
