/**
 * The README walkthrough, run as written: the gateway is started the way
 * `npm start` starts it (on a free port and a temporary database), then every
 * ```sh block between the walkthrough markers runs, in order, in one bash
 * session where only AIRLOCK_URL is set, and each response is checked.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayProcess, ROOT, startNode, stopAll } from './helpers/gateway-process.js'

const START = '<!-- walkthrough:start -->'
const END = '<!-- walkthrough:end -->'

/** The README, whose walkthrough section is what a new user follows. */
function walkthroughSource(): { file: string; text: string } {
  const file = join(ROOT, 'README.md')
  return { file, text: readFileSync(file, 'utf8') }
}

function shBlocks(text: string): string[] {
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  if (start === -1 || end < start) throw new Error('walkthrough markers missing')
  return [...text.slice(start, end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trimEnd())
}

/** One bash process for the whole walkthrough, so variables set by one block reach the next, as in a terminal. */
class BashSession {
  readonly #bash: ChildProcessWithoutNullStreams
  #out = ''
  #err = ''

  constructor(env: Record<string, string>) {
    this.#bash = spawn('bash', ['--noprofile', '--norc'], { cwd: ROOT, env: { ...process.env, ...env } })
    this.#bash.stdout.setEncoding('utf8').on('data', (s: string) => (this.#out += s))
    this.#bash.stderr.setEncoding('utf8').on('data', (s: string) => (this.#err += s))
  }

  /** Runs `script` as written; resolves with its stdout, stderr and exit status. */
  async run(script: string): Promise<{ out: string; err: string; status: number }> {
    const marker = `__walkthrough_${Math.random().toString(36).slice(2)}__`
    this.#out = ''
    this.#err = ''
    this.#bash.stdin.write(`${script}\nprintf '\\n${marker}%s\\n' "$?"; printf '\\n${marker}\\n' >&2\n`)
    const deadline = Date.now() + 60_000
    while (!(this.#out.includes(marker) && this.#err.includes(marker))) {
      if (Date.now() > deadline)
        throw new Error(`block did not finish:\n${script}\n${this.#out}\n${this.#err}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    const at = this.#out.indexOf(`\n${marker}`)
    const status = Number(/(\d+)/.exec(this.#out.slice(at + marker.length + 1))?.[1])
    return { out: this.#out.slice(0, at), err: this.#err.slice(0, this.#err.indexOf(`\n${marker}`)), status }
  }

  close(): void {
    if (this.#bash.pid !== undefined && this.#bash.exitCode === null) process.kill(this.#bash.pid, 'SIGTERM')
  }
}

const json = (text: string) => JSON.parse(text) as Record<string, unknown>
/** `jq` prints several documents one after another. */
const jsonStream = (text: string) =>
  JSON.parse(`[${text.trim().replace(/\}\s*\n\{/g, '},{')}]`) as Record<string, unknown>[]
const httpStatus = (err: string) => Number(/HTTP (\d{3})/.exec(err)?.[1])

interface Step {
  /** What the block must be about; keeps the checks aligned with the document. */
  readonly about: RegExp
  check(result: { out: string; err: string }, state: Map<string, unknown>): void
}

const STEPS: readonly Step[] = [
  {
    about: /^export AIRLOCK_URL=/,
    check: ({ out, err }) => expect(out + err).toBe(''),
  },
  {
    about: /\/health/,
    check: ({ out, err }) => {
      expect(httpStatus(err)).toBe(200)
      expect(json(out)).toEqual({ status: 'ok' })
    },
  },
  {
    about: /\/actions\/get_invoice\/execute/,
    check: ({ out, err }) => {
      expect(httpStatus(err)).toBe(200)
      expect(json(out)).toMatchObject({ status: 'executed', result: { id: 'inv_1001', customer: 'acme' } })
    },
  },
  {
    about: /\/actions\/issue_refund\/execute/,
    check: ({ out, err }, state) => {
      expect(httpStatus(err)).toBe(202)
      const body = json(out)
      expect(body).toMatchObject({
        status: 'pending_approval',
        action: 'issue_refund',
        approval_id: expect.stringMatching(/^apr-/),
      })
      state.set('approval_id', body.approval_id)
    },
  },
  {
    about: /^APPROVAL_ID=\$\(curl .*\/approvals\?status=pending/,
    check: ({ out }, state) => expect(out.trim()).toBe(state.get('approval_id')),
  },
  {
    about: /\/approvals\/\$APPROVAL_ID\/approve/,
    check: ({ out, err }) => {
      expect(httpStatus(err)).toBe(200)
      expect(json(out)).toMatchObject({
        status: 'executed',
        result: { invoice_id: 'inv_1001', amount_cents: 2500, refund_id: expect.any(String) },
        approval: { status: 'executed', decided_by: 'alice', comment: 'Confirmed with the customer' },
      })
    },
  },
  {
    about: /Idempotency-Key: walkthrough-acme-invoices/,
    check: ({ out, err }, state) => {
      expect(httpStatus(err)).toBe(200)
      const body = json(out)
      expect(body).toMatchObject({ status: 'executed', replayed: false })
      state.set('request_id', body.request_id)
    },
  },
  {
    about: /Idempotency-Key: walkthrough-acme-invoices/,
    check: ({ out, err }, state) => {
      expect(httpStatus(err)).toBe(200)
      expect(json(out)).toMatchObject({
        status: 'executed',
        replayed: true,
        request_id: state.get('request_id'),
      })
    },
  },
  {
    about: /\/audit\?limit=/,
    check: ({ out, err }) => {
      expect(httpStatus(err)).toBe(200)
      const events = jsonStream(out)
      expect(events.map((e) => e.status)).toEqual(
        expect.arrayContaining(['replayed', 'executed', 'approved', 'held']),
      )
      expect(events.find((e) => e.status === 'approved')).toMatchObject({
        action: 'issue_refund',
        approver: 'alice',
      })
    },
  },
  {
    about: /\/audit\/verify/,
    check: ({ out, err }) => {
      expect(httpStatus(err)).toBe(200)
      expect(json(out)).toMatchObject({
        valid: true,
        checked_at: expect.any(String),
        age_s: expect.any(Number),
      })
    },
  },
]

describe('the README walkthrough', () => {
  const source = walkthroughSource()
  const blocks = shBlocks(source.text)
  let tmp: string
  let gateway: GatewayProcess
  let bash: BashSession

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'airlock-walkthrough-'))
    // The first block is how a reader starts the gateway: run what `npm start` runs, on a free port and a fresh database.
    expect(blocks[0]).toBe('npm start')
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
    const [node, ...args] = pkg.scripts.start.split(/\s+/)
    expect(node).toBe('node')
    gateway = await startNode([...args, '--port', '0', '--store', `sqlite:${join(tmp, 'airlock.db')}`])
    expect(gateway.stdout()).toMatch(/demo keys: agent=ak_demo_agent_\S+, approver=ak_demo_approver_\S+/)
    bash = new BashSession({ AIRLOCK_URL: gateway.url })
  }, 150_000)

  afterAll(async () => {
    bash?.close()
    await gateway?.stop()
    await stopAll()
    await rm(tmp, { recursive: true, force: true })
  }, 60_000)

  it(`has one checked step per command block in ${source.file.slice(ROOT.length)}`, () => {
    expect(blocks.length - 1).toBe(STEPS.length)
    for (const [i, block] of blocks.slice(1).entries()) expect(block).toMatch(STEPS[i]!.about)
  })

  it('runs every command as written and gets the documented answers', async () => {
    const state = new Map<string, unknown>()
    for (const [i, block] of blocks.slice(1).entries()) {
      const result = await bash.run(block)
      expect(result.status, `block ${i + 2} exited non-zero:\n${block}\n${result.err}`).toBe(0)
      STEPS[i]!.check(result, state)
    }
  }, 120_000)
})
