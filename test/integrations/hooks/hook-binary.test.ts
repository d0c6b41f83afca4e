/**
 * `airlock hook <dialect>` through the built binary, as each agent runs it:
 * the sample payloads in examples/coding-agent-hooks/payloads (written from
 * each agent's documented hook schema) on stdin, the project's config in the
 * working folder, the answer on stdout.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAirlock } from '../../../src/airlock.js'
import { createHttpApp } from '../../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../../src/identity/auth/index.js'
import { policyTemplate } from '../../../src/policy/index.js'
import { openStore } from '../../../src/store/open-store.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const BIN = resolve(ROOT, 'dist/cli/bin.js')
const EXAMPLE = resolve(ROOT, 'examples/coding-agent-hooks')

interface Run {
  code: number | null
  stdout: string
  stderr: string
  json: Record<string, unknown>
}

function hook(
  dialect: string,
  stdin: string,
  cwd: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'hook', dialect, ...args], {
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
    child.on('close', (code) => {
      let json: Record<string, unknown> = {}
      try {
        json = JSON.parse(stdout) as Record<string, unknown>
      } catch {}
      done({ code, stdout, stderr, json })
    })
    child.stdin.end(stdin)
  })
}

const payload = (name: string) => readFileSync(join(EXAMPLE, 'payloads', `${name}.json`), 'utf8')

let project: string
beforeAll(() => {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run \`npm run build\` first (these tests run the built binary)`)
  project = mkdtempSync(join(tmpdir(), 'airlock-hooks-'))
  cpSync(EXAMPLE, project, { recursive: true })
})
afterAll(() => rmSync(project, { recursive: true, force: true }))

const claude = (json: Record<string, unknown>) => json.hookSpecificOutput as Record<string, unknown>

// Each case starts the real binary; on a busy machine that takes seconds.
const SLOW = { timeout: 120_000 }

describe('airlock hook, deciding with the project config', SLOW, () => {
  it('answers Claude Code PreToolUse with allow, deny and ask', async () => {
    const allow = await hook('claude-code', payload('claude-code-allow'), project)
    expect(allow.code).toBe(0)
    expect(claude(allow.json)).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'allow' })
    const deny = await hook('claude-code', payload('claude-code-deny'), project)
    expect(claude(deny.json)).toMatchObject({ permissionDecision: 'deny' })
    expect(claude(deny.json).permissionDecisionReason).toMatch(/Force push.*no-force-push-main/)
    const ask = await hook('claude-code', payload('claude-code-ask'), project)
    expect(claude(ask.json)).toMatchObject({ permissionDecision: 'ask' })
    expect(claude(ask.json).permissionDecisionReason).toMatch(/Credential file/)
  })

  it('answers Codex with nothing to allow, and a deny where another agent would ask', async () => {
    const allow = await hook('codex', payload('codex-allow'), project)
    expect(allow).toMatchObject({ code: 0, json: {} })
    const held = await hook('codex', payload('codex-ask'), project)
    expect(claude(held.json)).toMatchObject({ permissionDecision: 'deny' })
    expect(claude(held.json).permissionDecisionReason).toMatch(/cannot ask.*Recursive file deletion/)
  })

  it('answers Cursor shell, MCP and preToolUse events with a permission', async () => {
    const shell = await hook('cursor', payload('cursor-shell-deny'), project)
    expect(shell.json).toMatchObject({ permission: 'deny' })
    expect(shell.json.agent_message).toMatch(/no-destructive-git/)
    const mcp = await hook('cursor', payload('cursor-mcp-deny'), project)
    expect(mcp.json).toMatchObject({ permission: 'deny' })
    expect(mcp.json.agent_message).toMatch(/production database/)
    const read = await hook('cursor', payload('cursor-pretooluse-allow'), project)
    expect(read.json).toMatchObject({ permission: 'allow' })
  })

  it('answers Gemini CLI BeforeTool with a decision', async () => {
    const deny = await hook('gemini-cli', payload('gemini-cli-deny'), project)
    expect(deny.json).toMatchObject({ decision: 'deny' })
    expect(deny.json.reason).toMatch(/System file/)
    const ask = await hook('gemini-cli', payload('gemini-cli-ask'), project)
    expect(ask.json).toMatchObject({ decision: 'ask' })
  })

  it('records every decision in the project store', async () => {
    const store = await openStore(`sqlite:${join(project, '.airlock/airlock.db')}`)
    try {
      const events = (await store.audit.list({}, 100)).items
      const byAction = (action: string) => events.filter((e) => e.action === action).map((e) => e.status)
      expect(byAction('bash')).toEqual(expect.arrayContaining(['allowed', 'denied', 'held']))
      expect(byAction('query')).toEqual(['denied'])
      expect(byAction('write_file')).toEqual(['denied'])
      expect(events.find((e) => e.action === 'bash' && e.status === 'denied')?.actor).toBe('claude-code')
    } finally {
      await store.close()
    }
  })
})

describe('airlock hook fails closed', SLOW, () => {
  it('denies a payload that is not JSON, with the reason', async () => {
    const run = await hook('claude-code', '{"tool_name": ', project)
    expect(run.code).toBe(2)
    expect(claude(run.json)).toMatchObject({ permissionDecision: 'deny' })
    expect(run.stderr).toMatch(/not JSON/)
  })

  it('denies a payload of another event or without a tool name', async () => {
    const post = JSON.parse(payload('claude-code-allow')) as Record<string, unknown>
    const wrongEvent = await hook(
      'claude-code',
      JSON.stringify({ ...post, hook_event_name: 'PostToolUse' }),
      project,
    )
    expect(wrongEvent.code).toBe(2)
    expect(wrongEvent.stderr).toMatch(/'hook_event_name' must be 'PreToolUse', got "PostToolUse"/)
    const noTool = await hook('gemini-cli', JSON.stringify({ hook_event_name: 'BeforeTool' }), project)
    expect(noTool).toMatchObject({ code: 2, json: { decision: 'deny' } })
    expect(noTool.stderr).toMatch(/'tool_name' must be a non-empty string/)
  })

  it('denies when evaluation crashes (a corrupt store)', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'airlock-hooks-broken-'))
    try {
      cpSync(EXAMPLE, broken, { recursive: true })
      writeFileSync(join(broken, 'airlock.db'), 'not a database at all, just text '.repeat(200))
      const config = readFileSync(join(broken, 'airlock.config.yaml'), 'utf8')
      writeFileSync(
        join(broken, 'airlock.config.yaml'),
        config.replace('sqlite:./.airlock/airlock.db', 'sqlite:./airlock.db'),
      )
      const run = await hook('cursor', payload('cursor-pretooluse-allow'), broken)
      expect(run.code).toBe(2)
      expect(run.json).toMatchObject({ permission: 'deny' })
      expect(run.stderr).toMatch(/could not evaluate/)
    } finally {
      rmSync(broken, { recursive: true, force: true })
    }
  })

  it('denies an unknown agent with a usage error (exit 2 blocks in every agent)', async () => {
    const run = await hook('copilot', payload('claude-code-allow'), project)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/unknown hook dialect 'copilot'/)
  })
})

describe('airlock hook with a gateway (AIRLOCK_URL)', SLOW, () => {
  let silent: Server
  let silentUrl: string
  let gateway: ReturnType<typeof serve>
  let gatewayUrl: string
  const key = generateApiKey()
  const airlock = createAirlock({
    policies: policyTemplate('safe_coding'),
    default_decision: 'allow',
    unknown_actions: 'evaluate',
  })

  beforeAll(async () => {
    // A loopback server that accepts and never answers: the hook must not wait past its timeout.
    silent = createServer(() => undefined)
    await new Promise<void>((ready) => silent.listen(0, '127.0.0.1', ready))
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const app = createHttpApp(airlock, {
      auth: apiKeyAuth({ keys: [{ id: 'dev', sha256: hashApiKey(key), actor_id: 'dev-laptop' }] }),
    })
    await new Promise<void>((ready) => {
      gateway = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready())
    })
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    silent.closeAllConnections()
    await new Promise((done) => silent.close(done))
    await new Promise((done) => gateway.close(done))
    await airlock.close()
  })

  it('decides and audits on the gateway as the API key’s identity', async () => {
    const env = { AIRLOCK_URL: gatewayUrl, AIRLOCK_API_KEY: key }
    const run = await hook('claude-code', payload('claude-code-deny'), project, [], env)
    expect(run.code).toBe(0)
    expect(claude(run.json)).toMatchObject({ permissionDecision: 'deny' })
    const events = (await airlock.audit.list({ action: 'bash' }, 10)).items
    expect(events.map((e) => [e.status, e.actor])).toEqual([['denied', 'dev-laptop']])
  })

  it('denies when the gateway rejects the key', async () => {
    const env = { AIRLOCK_URL: gatewayUrl, AIRLOCK_API_KEY: 'ak_wrong' }
    const run = await hook('gemini-cli', payload('gemini-cli-ask'), project, [], env)
    expect(run).toMatchObject({ code: 2, json: { decision: 'deny' } })
    expect(run.stderr).toMatch(/HTTP 401/)
  })

  it('denies when the gateway does not answer in time', async () => {
    const started = Date.now()
    const run = await hook('claude-code', payload('claude-code-allow'), project, ['--timeout', '300'], {
      AIRLOCK_URL: silentUrl,
    })
    expect(run.code).toBe(2)
    expect(claude(run.json)).toMatchObject({ permissionDecision: 'deny' })
    expect(run.stderr).toMatch(/no decision within 300 ms/)
    // Generous: the process answers and exits on its own, it is not killed by the agent's timeout.
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
