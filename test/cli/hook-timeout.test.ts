/**
 * `airlock hook --timeout` through the built binary: a duration like every
 * other time flag, with a bare number still read as milliseconds.
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AIRLOCK_BIN } from '../setup/dist-build.js'
import '../helpers/airlock-binary.js'

const EXAMPLE = resolve(import.meta.dirname, '../../examples/coding-agent-hooks')
const ALLOW = readFileSync(join(EXAMPLE, 'payloads', 'claude-code-allow.json'), 'utf8')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function hook(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [AIRLOCK_BIN, 'hook', 'claude-code', ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
    child.stdin.end(ALLOW)
  })
}

let project: string
let silent: Server
let silentUrl: string

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'airlock-hook-timeout-'))
  cpSync(EXAMPLE, project, { recursive: true })
  // Accepts and never answers, so only the timeout can end the wait.
  silent = createServer(() => undefined)
  await new Promise<void>((ready) => silent.listen(0, '127.0.0.1', ready))
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
})
afterAll(async () => {
  silent.closeAllConnections()
  await new Promise((done) => silent.close(done))
  rmSync(project, { recursive: true, force: true })
})

describe('airlock hook --timeout', () => {
  it('takes a duration and names it in the denial when nothing answers', async () => {
    const run = await hook(['--timeout', '400ms'], project, { AIRLOCK_URL: silentUrl })
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } })
    expect(run.stderr).toContain('no decision within 400 ms')
  })

  it('reads a bare number as milliseconds, as before', async () => {
    const run = await hook(['--timeout', '350'], project, { AIRLOCK_URL: silentUrl })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('no decision within 350 ms')
  })

  it('decides normally with a timeout in seconds or minutes', async () => {
    for (const timeout of ['30s', '2m']) {
      const run = await hook(['--timeout', timeout], project)
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'allow' } })
    }
  })

  it('refuses what is not a duration, or is over ten minutes, saying what it expects', async () => {
    for (const timeout of ['5x', '0', '11m']) {
      const run = await hook(['--timeout', timeout], project)
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(`--timeout must be a duration from 1ms to 600s such as 500ms, 5s or 2m`)
      expect(run.stderr).toContain(`got '${timeout}'`)
    }
  })
})
