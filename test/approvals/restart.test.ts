import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { closeDefaultGuardRuntime, defaultGuardRuntime } from '../../src/guard/default-guard-runtime.js'
import { localPrincipal } from '../../src/identity/principal.js'

const fixture = fileURLToPath(new URL('./fixtures/durable-guard.ts', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))
const started: ChildProcess[] = []
const dirs: string[] = []

afterEach(async () => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) {
    await closeDefaultGuardRuntime(join(dir, '.airlock'))
    rmSync(dir, { recursive: true, force: true })
  }
})

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-restart-'))
  dirs.push(dir)
  return { store: join(dir, '.airlock'), marker: join(dir, 'runs.log') }
}

function start(ws: { store: string; marker: string }) {
  const child = spawn(process.execPath, ['--import', 'jiti/register', fixture, ws.store, ws.marker], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8')
  })
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString('utf8')
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, output: () => out, errors: () => err, exited }
}

async function pendingApproval(storeDir: string): Promise<string> {
  const { airlock } = await defaultGuardRuntime(storeDir)
  // Generous: a child process compiling its fixture on a busy machine can take many seconds to hold.
  for (const end = Date.now() + 90_000; Date.now() < end; ) {
    const page = await airlock.approvals.list('agent', { status: 'pending', limit: 10 })
    if (page.items[0]) return page.items[0].id
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('no pending approval appeared')
}

const runs = (marker: string) =>
  existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n').length : 0

// Each test starts Node processes that compile the fixture on the fly: slow on a busy machine.
describe('guarded calls survive process boundaries (SQLite default)', { timeout: 240_000 }, () => {
  it('a call waiting in one process proceeds when another process approves it', async () => {
    const ws = workspace()
    const waiting = start(ws)
    const id = await pendingApproval(ws.store)
    expect(runs(ws.marker)).toBe(0)

    const { airlock } = await defaultGuardRuntime(ws.store)
    const result = await airlock.approvals.approve(id, {
      approver: localPrincipal('alice', { roles: ['approver'] }),
    })
    // This process does not run guarded functions it does not own: the waiting process does.
    expect(result.status).toBe('approved')

    // The process output is the message, so a failure says why the process exited.
    expect(await waiting.exited, waiting.output()).toBe(0)
    expect(waiting.output()).toContain('RESULT {"refunded":250,"by":"refund-service"}')
    expect(runs(ws.marker)).toBe(1)
    expect((await airlock.approvals.get('agent', id)).status).toBe('executed')
    const events = await airlock.audit.list({ approval_id: id }, 20)
    expect(events.items.map((e) => e.status).reverse()).toEqual(['held', 'approved', 'started', 'executed'])
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
    expect(statSync(join(ws.store, 'seal.key')).mode & 0o777).toBe(0o600)
  })

  it('a killed waiter is replaced by a new process with the same idempotency key, which runs it once', async () => {
    const ws = workspace()
    const first = start(ws)
    const id = await pendingApproval(ws.store)
    first.child.kill('SIGKILL')
    await first.exited

    const { airlock } = await defaultGuardRuntime(ws.store)
    await airlock.approvals.approve(id, { approver: localPrincipal('alice', { roles: ['approver'] }) })
    expect(runs(ws.marker)).toBe(0)

    const second = start(ws)
    expect(await second.exited, `${second.output()}\n${second.errors()}`).toBe(0)
    expect(second.output()).toContain('RESULT {"refunded":250,"by":"refund-service"}')
    expect(runs(ws.marker)).toBe(1)

    // Once more with the same key: the stored outcome comes back and nothing runs again.
    const third = start(ws)
    expect(await third.exited, `${third.output()}\n${third.errors()}`).toBe(0)
    expect(third.output()).toContain('RESULT {"refunded":250,"by":"refund-service"}')
    expect(runs(ws.marker)).toBe(1)
    const pendingNow = await airlock.approvals.list('agent', { status: 'pending', limit: 10 })
    expect(pendingNow.items).toHaveLength(0)
  })
})
