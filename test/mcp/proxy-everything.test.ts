/**
 * The proxy in front of the real "everything" reference server: what is not
 * a tool call is relayed as it is; a tool call is governed; an upstream that
 * dies mid-call fails that call clearly and the proxy carries on.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ActionRegistry } from '../../src/actions/action-registry.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { createMcpProxy, type McpProxy } from '../../src/mcp/index.js'
import { parsePolicies } from '../../src/policy/load-policies.js'
import { auditTrail, connectClient, SERVERS } from './mcp-fixtures.js'

let airlock: Airlock
let proxy: McpProxy
let client: Client

beforeEach(async () => {
  const registry = new ActionRegistry()
  airlock = createAirlock({
    actions: registry,
    policies: parsePolicies(`
rules:
  - name: everything-allowed
    match: { actions: ['everything.*'] }
    decision: allow
    reason: Reference tools (tools the proxy does not know are still held by their settings)
`).rules,
  })
  proxy = await createMcpProxy({
    airlock,
    registry,
    namespace: 'everything',
    upstream: { command: process.execPath, args: [SERVERS.everything, 'stdio'], stderr: 'ignore' },
    tools: {
      echo: { risk: 'low' },
      'get-sum': { risk: 'low' },
      'trigger-long-running-operation': { risk: 'low' },
    },
    unknown_tools: 'require_approval',
    principal: localPrincipal('agent-7'),
    held: { wait_ms: 0 },
  })
  client = await connectClient(proxy.server)
})

afterEach(async () => {
  await client?.close()
  await proxy?.close()
  await airlock?.close()
})

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { type: string; text: string }[]).map((c) => c.text).join('\n')

describe('proxy in front of @modelcontextprotocol/server-everything', () => {
  it('relays resources, prompts and completions unchanged', async () => {
    const { resources } = await client.listResources()
    expect(resources.length).toBeGreaterThan(0)
    const first = resources[0]!
    const read = await client.readResource({ uri: first.uri })
    expect(read.contents[0]?.uri).toBe(first.uri)
    const { prompts } = await client.listPrompts()
    const simple = prompts.find((p) => (p.arguments ?? []).length === 0)
    expect(simple).toBeDefined()
    const prompt = await client.getPrompt({ name: simple!.name })
    expect(prompt.messages.length).toBeGreaterThan(0)
    // None of this is a tool call: nothing reaches the audit trail.
    expect(await auditTrail(airlock)).toEqual([])
  })

  it('governs tool calls and relays upstream progress', async () => {
    const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })
    expect(textOf(sum)).toContain('5')
    const progress: number[] = []
    const long = await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 4 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    )
    expect(long.isError).toBeFalsy()
    expect(progress.length).toBeGreaterThanOrEqual(3)
    expect([...progress].sort((a, b) => a - b)).toEqual(progress)
  })

  it('holds a tool the configuration does not name and answers with the approval id', async () => {
    const result = await client.callTool({ name: 'get-env', arguments: {} })
    expect(result.isError).toBe(true)
    expect(textOf(result)).toMatch(/Held for approval apr-/)
    const trail = await auditTrail(airlock)
    expect(trail.map((e) => [e.action, e.status])).toEqual([['everything.get-env', 'held']])
    expect(trail[0]?.risk_class).toBe('high')
  })

  it('fails a call whose upstream dies mid-call with a clear error, then carries on', async () => {
    let firstProgress!: () => void
    const started = new Promise<void>((resolve) => {
      firstProgress = resolve
    })
    const call = client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 30 } },
      undefined,
      { onprogress: () => firstProgress() },
    )
    await started
    const pid = proxy.upstream.pid
    expect(pid).toBeGreaterThan(0)
    process.kill(pid!, 'SIGKILL')
    const result = await call
    expect(result.isError).toBe(true)
    expect(textOf(result)).toContain('upstream MCP server')
    const failed = (await auditTrail(airlock)).find((e) => e.status === 'failed')
    expect(failed?.action).toBe('everything.trigger-long-running-operation')
    expect(failed?.error).toContain('upstream MCP server')

    // The proxy is still there, and a new upstream is started for the next call.
    const echo = await client.callTool({ name: 'echo', arguments: { message: 'still here' } })
    expect(echo.isError).toBeFalsy()
    expect(textOf(echo)).toContain('still here')
    expect(proxy.upstream.pid).not.toBe(pid)
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
  })
})
