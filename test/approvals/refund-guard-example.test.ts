import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { outboxChannel } from '../../examples/refund-guard/outbox-channel.js'
import { guard } from '../../src/guard/guard.js'
import { createGuardRuntime } from '../../src/guard/guard-runtime.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { memoryStore } from '../../src/store/memory/index.js'

const example = fileURLToPath(new URL('../../examples/refund-guard/refund-guard.ts', import.meta.url))
const jiti = fileURLToPath(new URL('../../node_modules/jiti/lib/jiti-register.mjs', import.meta.url))
const socket = `airlock-example-${process.pid}`
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
const dirs: string[] = []

afterAll(() => {
  try {
    tmux('kill-server')
  } catch {
    // already gone
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function screenUntil(pattern: RegExp): Promise<string> {
  let screen = ''
  for (let i = 0; i < 400; i++) {
    screen = tmux('capture-pane', '-p', '-J', '-t', 'example', '-S', '-200')
    if (pattern.test(screen)) return screen
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`screen never matched ${pattern}:\n${screen}`)
}

describe('examples/refund-guard', () => {
  it('runs the small refund at once and the large one after y at the terminal', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'airlock-example-'))
    dirs.push(cwd)
    tmux(
      'new-session',
      '-d',
      '-s',
      'example',
      '-x',
      '160',
      '-y',
      '60',
      `cd '${cwd}' && XDG_STATE_HOME='${cwd}/state' node --import '${jiti}' '${example}'; sleep 30`,
    )
    const prompt = await screenUntil(/Approve\? \[y\/N\]/)
    expect(prompt).toContain("small refund: { refund_id: 'rf_o-1', amount: 40 }")
    expect(prompt).toContain("'amount' is 950, over 100")
    tmux('send-keys', '-t', 'example', 'yes', 'Enter')
    const done = await screenUntil(/large refund/)
    expect(done).toContain("large refund: { refund_id: 'rf_o-2', amount: 950 }")
    // The embedded default keeps its store and seal key in the user's state folder, not the working directory.
    expect(readFileSync(join(cwd, 'state', 'airlock', 'seal.key'), 'utf8').trim()).toMatch(
      /^[A-Za-z0-9+/=]{40,}$/,
    )
    expect(existsSync(join(cwd, '.airlock'))).toBe(false)
  })

  it('the outbox channel writes the request and the decision arrives separately', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-outbox-'))
    dirs.push(dir)
    const outbox = join(dir, 'outbox.jsonl')
    const runtime = createGuardRuntime({ store: memoryStore() })
    const refund = guard((o: { amount: number }) => o.amount, {
      action: 'refund',
      runtime,
      channels: [outboxChannel(outbox, 'finance@example.com')],
      poll_ms: 20,
    })
    const pending = refund({ amount: 300 })
    let mail: { approval_id: string; to: string; subject: string } | undefined
    for (let i = 0; i < 200 && !mail; i++) {
      await new Promise((r) => setTimeout(r, 10))
      try {
        mail = JSON.parse(readFileSync(outbox, 'utf8').split('\n')[0]!)
      } catch {
        // not written yet
      }
    }
    expect(mail?.to).toBe('finance@example.com')
    expect(mail?.subject).toContain('Approval needed: refund')
    await runtime.airlock.approvals.approve(mail!.approval_id, {
      approver: localPrincipal('fiona', { roles: ['approver'] }),
    })
    await expect(pending).resolves.toBe(300)
    await runtime.close()
  })
})
