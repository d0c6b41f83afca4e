/**
 * The examples end to end, each step its own Node process: the agent runs
 * until a held tool pauses it, a second identity approves over Airlock's HTTP
 * API, and a fresh process resumes the run — the refund is made exactly once,
 * the refused tool's reason reaches the model, and a resume before any
 * decision runs nothing. Runs against the built package (`npm run build`).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { apiKeyAuth, createHttpApp, hashApiKey } from '../../src/http/index.js'
import { createAirlock } from '../../src/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const JITI = join(ROOT, 'node_modules/jiti/lib/jiti-register.mjs')
const APPROVER_KEY = `ak_${randomBytes(16).toString('hex')}`
const AGENT_KEY = `ak_${randomBytes(16).toString('hex')}`
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function workspace(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-resume-'))
  dirs.push(dir)
  return {
    AIRLOCK_DB: join(dir, 'airlock.db'),
    AIRLOCK_SEAL_KEY: randomBytes(32).toString('base64'),
    AIRLOCK_RUNS: join(dir, 'runs'),
    CHECKPOINTS: join(dir, 'checkpoints.db'),
    LEDGER: join(dir, 'ledger.txt'),
    RUN_ID: `run-${randomBytes(4).toString('hex')}`,
    THREAD_ID: `thread-${randomBytes(4).toString('hex')}`,
  }
}

/** Runs an example script in a new Node process and parses the JSON it prints. */
async function runScript(script: string, env: Record<string, string>, args: string[] = []) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', JITI, join(ROOT, script), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 120_000,
    },
  )
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
}

const ledger = (env: Record<string, string>): string[] =>
  readFileSync(env.LEDGER!, 'utf8').trim().split('\n').filter(Boolean)

/** The approver's side: Airlock's HTTP API over the same store, with two identities. */
async function approveOverHttp(env: Record<string, string>, approval_id: string) {
  const store = sqliteStore({ path: env.AIRLOCK_DB! })
  await store.migrate()
  const airlock = createAirlock({
    store,
    seal: { keys: { k0: env.AIRLOCK_SEAL_KEY! }, current: 'k0' },
  })
  const app = createHttpApp(airlock, {
    auth: apiKeyAuth({
      keys: [
        { id: 'approver', sha256: hashApiKey(APPROVER_KEY), actor_id: 'alice', roles: ['approver'] },
        { id: 'agent', sha256: hashApiKey(AGENT_KEY), actor_id: 'support-agent', roles: ['agent'] },
      ],
    }),
  })
  const post = (key: string) =>
    app.request(`/approvals/${approval_id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'refund is within policy' }),
    })
  try {
    // The agent may not approve its own request; the second identity may.
    expect((await post(AGENT_KEY)).status).toBe(403)
    const response = await post(APPROVER_KEY)
    expect(response.status).toBe(200)
    return (await response.json()) as { status: string }
  } finally {
    await airlock.close()
  }
}

describe('OpenAI Agents: paused in one process, resumed in another', () => {
  it('runs the approved refund once, reports the refusal, and runs nothing before the decision', async () => {
    const env = workspace()
    const started = await runScript('examples/openai-agents/start.ts', env)
    expect(started).toMatchObject({ status: 'paused' })
    const [approval_id] = started.approval_ids as string[]
    expect(ledger(env)).toEqual(['looked up o-42: paid 120 EUR'])

    // Resuming before anyone decided: still pending, nothing ran.
    expect(await runScript('examples/openai-agents/resume.ts', env, [approval_id!])).toEqual({
      status: 'pending',
      pending: [approval_id],
    })
    expect(ledger(env)).toHaveLength(1)

    expect(await approveOverHttp(env, approval_id!)).toMatchObject({ status: 'approved' })
    const done = await runScript('examples/openai-agents/resume.ts', env, [approval_id!])
    expect(done.status).toBe('done')
    expect(done.output).toContain('issue_refund: refunded 120 EUR on o-42')
    expect(done.output).toMatch(/delete_account: DENIED: policy does not allow `delete_account`/)
    expect(ledger(env)).toEqual(['looked up o-42: paid 120 EUR', 'refunded 120 EUR on o-42'])

    // A second resume of the same run replays the stored result: still one refund.
    const again = await runScript('examples/openai-agents/resume.ts', env, [approval_id!])
    expect(again.output).toContain('issue_refund: refunded 120 EUR on o-42')
    expect(ledger(env).filter((l) => l.startsWith('refunded'))).toHaveLength(1)
  }, 240_000)
})

describe('LangGraph: paused graph resumed in another process', () => {
  it('resumes from the SQLite checkpoint after the HTTP approval; a resume before it pauses again', async () => {
    const env = workspace()
    const started = await runScript('examples/langchain/start.ts', env)
    expect(started).toMatchObject({
      status: 'paused',
      waiting: [{ type: 'airlock_approval', tool: 'issue_refund' }],
    })
    const { approval_id } = (started.waiting as { approval_id: string }[])[0]!
    expect(ledger(env)).toEqual(['looked up o-42: paid 120 EUR'])

    // Command({ resume }) without an Airlock decision: the graph pauses again and nothing runs.
    const early = await runScript('examples/langchain/resume.ts', env)
    expect(early).toMatchObject({ status: 'paused', waiting: [{ approval_id }] })
    expect(ledger(env)).toHaveLength(1)

    expect(await approveOverHttp(env, approval_id)).toMatchObject({ status: 'approved' })
    const done = await runScript('examples/langchain/resume.ts', env)
    expect(done.status).toBe('done')
    const tools = (done.messages as { type: string; name: string; content: string }[]).filter(
      (m) => m.type === 'tool',
    )
    expect(tools.map((m) => [m.name, m.content.slice(0, 41)])).toEqual([
      ['lookup_order', 'looked up o-42: paid 120 EUR'],
      ['issue_refund', 'refunded 120 EUR on o-42'],
      ['delete_account', 'DENIED: policy does not allow `delete_acc'],
    ])
    expect(ledger(env)).toEqual(['looked up o-42: paid 120 EUR', 'refunded 120 EUR on o-42'])
  }, 240_000)
})
