import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliIo } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { runCli } from '../run-cli.js'
import { parsePort } from './serve-command.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-serve-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function cli(...argv: string[]): Promise<{ code: number; err: string }> {
  let err = ''
  const io: CliIo = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s) },
    cwd: dir,
    env: {},
  }
  return { code: await runCli(argv, io), err }
}

describe('airlock serve', () => {
  it('accepts ports 0 to 65535 and nothing else', () => {
    expect(parsePort('0')).toBe(0)
    expect(parsePort('8420')).toBe(8420)
    expect(parsePort('65535')).toBe(65535)
    for (const bad of ['65536', '-1', 'http', '1.5', '', '123456'])
      expect(() => parsePort(bad)).toThrow(/--port must be/)
  })

  it('exits 2 for a bad --port before touching anything', async () => {
    const result = await cli('serve', '--port', '99999', '--config', 'missing.yaml')
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.err).toContain('--port must be a whole number from 1 to 65535')
  })

  it('exits 2 for a --log-format it does not know, naming the ones it does', async () => {
    const result = await cli('serve', '--log-format', 'xml')
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.err).toContain("--log-format must be one of auto, json, pretty, got 'xml'")
  })

  it('exits 2 when there is no config to serve', async () => {
    const result = await cli('serve')
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.err).toContain('airlock init')
  })

  it('exits 3 naming the file, line and key of a config problem', async () => {
    await writeFile(
      join(dir, 'airlock.config.yaml'),
      'store: memory\nauth: { anonymous: true }\nserver: { port: high }\n',
    )
    const result = await cli('serve')
    expect(result.code).toBe(ExitCode.CONFIG)
    expect(result.err).toMatch(/airlock\.config\.yaml:3:\d+: server\.port: expected a port number/)
  })
})
