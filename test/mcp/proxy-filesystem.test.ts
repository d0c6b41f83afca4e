/**
 * The proxy in front of the real filesystem server (on a temporary folder),
 * with a real SDK client on the other side.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ActionRegistry } from '../../src/actions/action-registry.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { createMcpProxy, type McpProxy } from '../../src/mcp/index.js'
import { parsePolicies } from '../../src/policy/load-policies.js'
import { approverApi, auditTrail, connectClient, eventually, SERVERS } from './mcp-fixtures.js'

let root: string
let airlock: Airlock
let proxy: McpProxy
let client: Client

const agent = localPrincipal('agent-7')

function policies(dir: string) {
  return parsePolicies(`
rules:
  - name: fs-reads
    match: { actions: ['fs.read_*', 'fs.list_*', 'fs.get_file_info'] }
    decision: allow
    reason: Reading is fine
  - name: fs-writes-in-work
    priority: 10
    match: { actions: [fs.write_file], path_patterns: ['${dir}/work/*'] }
    decision: allow
    reason: Writes inside work/ are fine
  - name: fs-writes-elsewhere
    match: { actions: [fs.write_file], path_patterns: ['${dir}/*'] }
    decision: deny
    reason: Writes only inside work/
  - name: no-listing-for-agent-7
    priority: 20
    match: { actions: [fs.list_directory], callers: { agent_ids: [agent-7] } }
    decision: deny
    reason: agent-7 does not browse
  - name: fs-moves
    match: { actions: [fs.move_file] }
    decision: allow
    reason: Moves are held by the tool settings
`).rules
}

async function start(options: { allow_self_approval?: boolean; capabilities?: object } = {}) {
  const registry = new ActionRegistry()
  airlock = createAirlock({
    actions: registry,
    policies: policies(root),
    // A single user approving their own calls: no approver role to hold either.
    approvals: options.allow_self_approval
      ? { allow_self_approval: true, approver_roles: [] }
      : { allow_self_approval: false },
  })
  proxy = await createMcpProxy({
    airlock,
    registry,
    namespace: 'fs',
    upstream: { command: process.execPath, args: [SERVERS.filesystem, root], stderr: 'ignore' },
    tools: {
      read_text_file: { risk: 'low' },
      list_directory: { risk: 'low' },
      write_file: { risk: 'medium' },
      move_file: { risk: 'high', approval_required: true },
    },
    unknown_tools: 'deny',
    principal: agent,
    held: { wait_ms: 20_000, poll_ms: 20, progress_interval_ms: 100 },
  })
  client = await connectClient(proxy.server, options.capabilities ?? {})
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'airlock-mcp-fs-'))
  mkdirSync(join(root, 'work'))
  mkdirSync(join(root, 'secret'))
  writeFileSync(join(root, 'work', 'hello.txt'), 'hello from the temp dir')
})

afterEach(async () => {
  await client?.close()
  await proxy?.close()
  await airlock?.close()
  rmSync(root, { recursive: true, force: true })
})

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { type: string; text: string }[]).map((c) => c.text).join('\n')

describe('proxy in front of @modelcontextprotocol/server-filesystem', () => {
  it('lists configured tools under their upstream names, hiding unknown tools and those policy denies the caller', async () => {
    await start()
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['move_file', 'read_text_file', 'write_file'])
    // Hidden is not the enforcement: calling it anyway is decided (and denied) by the pipeline.
    const listed = await client.callTool({ name: 'list_directory', arguments: { path: root } })
    expect(listed.isError).toBe(true)
    expect(textOf(listed)).toContain('agent-7 does not browse')
  })

  it('passes a read-only call through and audits it', async () => {
    await start()
    const result = await client.callTool({
      name: 'read_text_file',
      arguments: { path: join(root, 'work', 'hello.txt') },
    })
    expect(result.isError).toBeFalsy()
    expect(textOf(result)).toContain('hello from the temp dir')
    const trail = await auditTrail(airlock)
    expect(trail.map((e) => [e.action, e.status])).toEqual([
      ['fs.read_text_file', 'started'],
      ['fs.read_text_file', 'executed'],
    ])
    expect(trail[0]?.actor).toBe('agent-7')
  })

  it('denies a write outside the allowed paths by a path rule, without forwarding it', async () => {
    await start()
    const inside = await client.callTool({
      name: 'write_file',
      arguments: { path: join(root, 'work', 'notes.txt'), content: 'ok' },
    })
    expect(inside.isError).toBeFalsy()
    expect(readFileSync(join(root, 'work', 'notes.txt'), 'utf8')).toBe('ok')

    const outside = await client.callTool({
      name: 'write_file',
      arguments: { path: join(root, 'secret', 'x.txt'), content: 'nope' },
    })
    expect(outside.isError).toBe(true)
    expect(textOf(outside)).toContain('Writes only inside work/')
    expect(existsSync(join(root, 'secret', 'x.txt'))).toBe(false)
    // `..` does not get around the rule: paths are normalised before matching.
    const sneaky = await client.callTool({
      name: 'write_file',
      arguments: { path: `${root}/work/../secret/y.txt`, content: 'nope' },
    })
    expect(sneaky.isError).toBe(true)
    expect(existsSync(join(root, 'secret', 'y.txt'))).toBe(false)
    const denied = (await auditTrail(airlock)).filter((e) => e.status === 'denied')
    expect(denied.map((e) => e.rule)).toEqual(['fs-writes-elsewhere', 'fs-writes-elsewhere'])
  })

  it('denies an upstream tool the configuration does not know, and never forwards it', async () => {
    await start()
    const result = await client.callTool({
      name: 'create_directory',
      arguments: { path: join(root, 'work', 'new') },
    })
    expect(result.isError).toBe(true)
    expect(textOf(result)).toContain('ACTION_NOT_FOUND')
    expect(existsSync(join(root, 'work', 'new'))).toBe(false)
  })

  it('rejects garbage arguments against the upstream schema before any rule', async () => {
    await start()
    const result = await client.callTool({ name: 'write_file', arguments: { path: 42 } })
    expect(result.isError).toBe(true)
    expect(textOf(result)).toContain('INPUT_INVALID')
  })

  it('holds a destructive move, runs it once after another identity approves over HTTP', async () => {
    await start()
    const api = approverApi(airlock)
    const source = join(root, 'work', 'hello.txt')
    const destination = join(root, 'work', 'moved.txt')
    const progress: string[] = []
    const call = client.callTool({ name: 'move_file', arguments: { source, destination } }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ''),
      resetTimeoutOnProgress: true,
    })
    const held = await eventually(async () =>
      (await auditTrail(airlock)).find((e) => e.status === 'held' && e.action === 'fs.move_file'),
    )
    expect(existsSync(source)).toBe(true)
    const approved = await api.approve(held.approval_id as string)
    expect(approved.status).toBe(200)
    const result = await call
    expect(result.isError).toBeFalsy()
    expect(existsSync(source)).toBe(false)
    expect(readFileSync(destination, 'utf8')).toBe('hello from the temp dir')
    expect(progress.some((m) => m.includes(held.approval_id as string))).toBe(true)

    // A client retry finds the same approval and its outcome: nothing runs twice.
    const retry = await client.callTool({ name: 'move_file', arguments: { source, destination } })
    expect(retry.isError).toBeFalsy()
    const trail = await auditTrail(airlock)
    const moves = trail.filter((e) => e.action === 'fs.move_file')
    expect(moves.filter((e) => e.status === 'held')).toHaveLength(1)
    expect(moves.filter((e) => e.status === 'started')).toHaveLength(1)
    expect(moves.filter((e) => e.status === 'executed')).toHaveLength(1)
    const decision = moves.find((e) => e.status === 'approved')
    expect(decision?.approver).toBe('carol')
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
  })

  it('lets an elicitation-capable client approve when self-approval is allowed, recording who answered', async () => {
    await start({ allow_self_approval: true, capabilities: { elicitation: { form: {} } } })
    const asked: string[] = []
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params.message)
      return { action: 'accept', content: { decision: 'approve', comment: 'mine, fine' } }
    })
    const source = join(root, 'work', 'hello.txt')
    const result = await client.callTool({
      name: 'move_file',
      arguments: { source, destination: join(root, 'work', 'b.txt') },
    })
    expect(result.isError).toBeFalsy()
    expect(existsSync(source)).toBe(false)
    expect(asked).toHaveLength(1)
    expect(asked[0]).toContain('fs.move_file')
    const approved = (await auditTrail(airlock)).find((e) => e.status === 'approved')
    expect(approved?.approver).toBe('agent-7')
    expect(approved?.context).toMatchObject({ channel: 'mcp-elicitation', comment: 'mine, fine' })
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
  })

  it('refuses the requester approving their own call through elicitation when out-of-band approval is required', async () => {
    await start({ allow_self_approval: false, capabilities: { elicitation: { form: {} } } })
    client.setRequestHandler(ElicitRequestSchema, () => ({
      action: 'accept',
      content: { decision: 'approve' },
    }))
    const api = approverApi(airlock)
    const source = join(root, 'work', 'hello.txt')
    const call = client.callTool({
      name: 'move_file',
      arguments: { source, destination: join(root, 'work', 'c.txt') },
    })
    const refused = await eventually(async () =>
      (await auditTrail(airlock)).find((e) => e.status === 'denied' && e.approval_id !== null),
    )
    expect(refused.reason).toContain("Refused to let 'agent-7' approve")
    expect(existsSync(source)).toBe(true)
    expect((await api.approve(refused.approval_id as string)).status).toBe(200)
    const result = await call
    expect(result.isError).toBeFalsy()
    expect(existsSync(source)).toBe(false)
    const approvals = (await auditTrail(airlock)).filter((e) => e.status === 'approved')
    expect(approvals.map((e) => e.approver)).toEqual(['carol'])
  })

  it('expires a held call nobody decides within the wait and answers with the denial', async () => {
    const registry = new ActionRegistry()
    airlock = createAirlock({ actions: registry, policies: policies(root) })
    proxy = await createMcpProxy({
      airlock,
      registry,
      namespace: 'fs',
      upstream: { command: process.execPath, args: [SERVERS.filesystem, root], stderr: 'ignore' },
      tools: { move_file: { risk: 'high', approval_required: true } },
      principal: agent,
      held: { wait_ms: 300, poll_ms: 20 },
    })
    client = await connectClient(proxy.server)
    const source = join(root, 'work', 'hello.txt')
    const result = await client.callTool({
      name: 'move_file',
      arguments: { source, destination: join(root, 'd.txt') },
    })
    expect(result.isError).toBe(true)
    expect(textOf(result)).toMatch(/expired/i)
    expect(existsSync(source)).toBe(true)
    expect((await auditTrail(airlock)).map((e) => e.status)).toEqual(['held', 'expired', 'replayed'])
  })
})
