import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const fixture = fileURLToPath(new URL('./fixtures/terminal-guard.ts', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))
// A private tmux server for this test file, so nothing else's sessions are touched.
const socket = `airlock-terminal-${process.pid}`
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })

afterAll(() => {
  try {
    tmux('kill-server')
  } catch {
    // already gone
  }
})

async function screenUntil(session: string, pattern: RegExp): Promise<string> {
  let screen = ''
  for (let i = 0; i < 300; i++) {
    screen = tmux('capture-pane', '-p', '-J', '-t', session, '-S', '-200')
    if (pattern.test(screen)) return screen
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`screen never matched ${pattern}:\n${screen}`)
}

function startInPty(session: string): void {
  const command = `cd '${root}' && node --import jiti/register '${fixture}'; sleep 30`
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '60', command)
}

describe('terminal channel in a real pseudo-terminal', () => {
  it('shows the action, description and redacted arguments, and approves on y', async () => {
    startInPty('approve')
    const prompt = await screenUntil('approve', /Approve\? \[y\/N\]/)
    expect(prompt).toContain('Action:    refund')
    expect(prompt).toContain('About:     Refund an order to the original card')
    expect(prompt).toContain('amount = 420')
    expect(prompt).toContain('card_token = "**REDACTED**"')
    expect(prompt).not.toContain('tok_live_SECRET')
    tmux('send-keys', '-t', 'approve', 'y', 'Enter')
    const done = await screenUntil('approve', /APPROVER: /)
    expect(done).toContain('OUTCOME: refunded 420 on o-77')
    expect(done).toContain('APPROVER: human-at-terminal')
  })

  it('rejects anything but y or yes, including a plain Enter', async () => {
    startInPty('reject')
    await screenUntil('reject', /Approve\? \[y\/N\]/)
    tmux('send-keys', '-t', 'reject', 'Enter')
    const done = await screenUntil('reject', /APPROVER: /)
    expect(done).toMatch(/OUTCOME: DENIED: a human reviewer \(human-at-terminal\) rejected `refund`/)
    expect(done).toContain('APPROVER: none')
  })

  it('denies with a clear reason when there is no terminal to ask', async () => {
    const child = spawn(process.execPath, ['--import', 'jiti/register', fixture], {
      cwd: root,
      stdio: 'pipe',
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8')
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    expect(out).toContain('OUTCOME: DENIED: nobody approved `refund` in time')
    expect(out).toContain('stdin is not a TTY')
  })
})
