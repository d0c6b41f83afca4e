/**
 * Property tests over what an agent can send the MCP proxy: any tool name
 * and arguments, and any JSON-RPC message at all. Every request gets exactly
 * one answer (a result, or a JSON-RPC error with a standard code and a
 * message), a malformed request is answered -32600 naming what is wrong,
 * a call with bad arguments is refused naming the argument and
 * never reaches the upstream, and the proxy keeps serving.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ActionRegistry } from '../../src/actions/action-registry.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { answerMalformed, createMcpProxy, type McpProxy } from '../../src/mcp/index.js'
import { parsePolicies } from '../../src/policy/load-policies.js'
import { auditTrail, SERVERS } from '../mcp/mcp-fixtures.js'
import { fuzzRuns, nastyString, yamlishValue } from './fuzz-support.js'

const runs = fuzzRuns(25)

/** JSON-RPC 2.0's codes (parse, request, method, params, internal) and MCP's request timeout and cancellation. */
const STANDARD_CODES = [-32700, -32600, -32601, -32602, -32603, -32001, -32000]

let airlock: Airlock
let proxy: McpProxy
let agent: InMemoryTransport
const answers = new Map<string | number | null, JSONRPCMessage[]>()
let nextId = 0

beforeAll(async () => {
  const registry = new ActionRegistry()
  airlock = createAirlock({
    actions: registry,
    policies: parsePolicies(`
rules:
  - name: echo-only
    match: { actions: [everything.echo, everything.get-sum] }
    decision: allow
    reason: Reference tools
`).rules,
  })
  proxy = await createMcpProxy({
    airlock,
    registry,
    namespace: 'everything',
    upstream: { command: process.execPath, args: [SERVERS.everything, 'stdio'], stderr: 'ignore' },
    tools: { echo: { risk: 'low' }, 'get-sum': { risk: 'low' } },
    unknown_tools: 'deny',
    principal: localPrincipal('agent-7'),
    held: { wait_ms: 0 },
  })
  const [agentSide, proxySide] = InMemoryTransport.createLinkedPair()
  agent = agentSide
  agent.onmessage = (message) => {
    // Only answers: the proxy's own requests to the agent (relayed from upstream) carry ids too.
    if (!('result' in message) && !('error' in message)) return
    const id = (message as { id?: string | number | null }).id
    if (id !== undefined) answers.set(id, [...(answers.get(id) ?? []), message])
  }
  await proxy.server.connect(answerMalformed(proxySide))
  await agent.start()
  await request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'fuzz', version: '1.0.0' },
  })
  await agent.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
}, 60_000)

afterAll(async () => {
  await agent?.close()
  await proxy?.close()
  await airlock?.close()
})

/** Resolves with every message answering `id`, once at least one has arrived and a ping after it has too. */
async function answersTo(id: string | number): Promise<JSONRPCMessage[]> {
  for (let i = 0; i < 2000 && !answers.has(id); i++) await new Promise((r) => setTimeout(r, 5))
  // A ping sent now is answered after anything still due for `id`, so a second answer would show.
  const ping = `ping-${nextId++}`
  await agent.send({ jsonrpc: '2.0', id: ping, method: 'ping' })
  for (let i = 0; i < 2000 && !answers.has(ping); i++) await new Promise((r) => setTimeout(r, 5))
  expect(answers.get(ping), 'the proxy stopped answering ping').toHaveLength(1)
  return answers.get(id) ?? []
}

async function request(method: string, params?: unknown): Promise<Record<string, unknown>> {
  const id = nextId++
  const message = { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }
  await agent.send(message as JSONRPCMessage)
  const got = await answersTo(id)
  expect(got).toHaveLength(1)
  return got[0] as Record<string, unknown>
}

/** Fails unless `answer` is a result, or an error with a standard code and a message. */
function expectAnswer(answer: Record<string, unknown>, label: string): void {
  if ('result' in answer) return
  const error = answer.error as { code?: unknown; message?: unknown } | undefined
  expect(error, label).toBeDefined()
  expect(STANDARD_CODES, `${label}: ${JSON.stringify(error)}`).toContain(error?.code)
  expect(typeof error?.message === 'string' && error.message.length > 0, label).toBe(true)
}

const textOf = (answer: Record<string, unknown>) =>
  JSON.stringify((answer.result as { content?: unknown } | undefined)?.content ?? answer.error ?? '')

describe('MCP proxy tool calls', () => {
  it('refuses bad arguments naming the argument, and never runs them upstream', async () => {
    const badEcho = fc.oneof(
      fc.record({ message: yamlishValue.filter((v) => typeof v !== 'string') }),
      fc.record({ text: yamlishValue }),
    )
    await fc.assert(
      fc.asyncProperty(badEcho, async (args) => {
        const before = (await auditTrail(airlock)).filter((e) => e.status === 'executed').length
        const answer = await request('tools/call', { name: 'echo', arguments: args })
        const label = `echo ${JSON.stringify(args).slice(0, 300)}`
        expectAnswer(answer, label)
        const refused = 'error' in answer || (answer.result as { isError?: boolean }).isError === true
        expect(refused, `${label}: ${textOf(answer)}`).toBe(true)
        expect(textOf(answer), label).toContain('message')
        const after = (await auditTrail(airlock)).filter((e) => e.status === 'executed').length
        expect(after, label).toBe(before)
      }),
      { numRuns: runs },
    )
  })

  it('answers any tool name and arguments once, and keeps serving', async () => {
    const call = fc.record(
      {
        name: fc.oneof(
          fc.constantFrom('echo', 'get-sum', 'get-env', 'everything.echo', ''),
          nastyString,
          yamlishValue,
        ),
        arguments: yamlishValue,
        _meta: yamlishValue,
      },
      { requiredKeys: [] },
    )
    await fc.assert(
      fc.asyncProperty(call, async (params) => {
        expectAnswer(
          await request('tools/call', params),
          `tools/call ${JSON.stringify(params).slice(0, 300)}`,
        )
      }),
      { numRuns: runs },
    )
    const echo = await request('tools/call', { name: 'echo', arguments: { message: 'still here' } })
    expect(textOf(echo)).toContain('still here')
  })
})

describe('MCP proxy JSON-RPC messages', () => {
  it('answers every request of any method and params with one result or standard error', async () => {
    const method = fc.oneof(
      fc.constantFrom(
        'tools/call',
        'tools/list',
        'resources/read',
        'resources/list',
        'prompts/get',
        'completion/complete',
        'logging/setLevel',
        'initialize',
        'ping',
        'tasks/get',
        'sampling/createMessage',
      ),
      nastyString,
    )
    const params = fc.oneof(fc.constant(undefined), yamlishValue)
    await fc.assert(
      fc.asyncProperty(method, params, async (m, p) => {
        expectAnswer(await request(m, p), `${m} ${JSON.stringify(p)?.slice(0, 300)}`)
      }),
      { numRuns: runs },
    )
  })

  it('answers a malformed request with -32600 naming the member, under its id', async () => {
    const malformed = fc.oneof(
      fc.record({ method: fc.constant('tools/list'), params: fc.constantFrom('', 5, true) }),
      fc.record({ method: fc.oneof(fc.integer(), fc.constant(null), fc.constant([])) }),
      fc.record({ method: fc.constant('ping'), jsonrpc: fc.constantFrom('1.0', 2, null) }),
    )
    await fc.assert(
      fc.asyncProperty(malformed, async (fields) => {
        const id = `bad-${nextId++}`
        await agent.send({ jsonrpc: '2.0', id, ...fields } as unknown as JSONRPCMessage)
        const got = (await answersTo(id)) as { error?: { code?: number; message?: string } }[]
        const label = JSON.stringify(fields)
        expect(got, label).toHaveLength(1)
        expect(got[0]?.error?.code, label).toBe(-32600)
        const member = 'params' in fields ? 'params' : 'jsonrpc' in fields ? 'jsonrpc' : 'method'
        expect(got[0]?.error?.message, label).toContain(`Invalid request: ${member}:`)
      }),
      { numRuns: runs },
    )
  })

  it('survives notifications, responses and shapeless messages, and still answers', async () => {
    const junk = fc.oneof(
      fc.record(
        { jsonrpc: fc.constant('2.0'), method: nastyString, params: yamlishValue },
        { requiredKeys: ['jsonrpc', 'method'] },
      ),
      fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.nat(), nastyString), result: yamlishValue }),
      fc.record({ jsonrpc: fc.constant('2.0'), id: fc.nat(), error: yamlishValue }),
      fc.dictionary(nastyString, yamlishValue, { maxKeys: 4 }),
      yamlishValue,
    )
    await fc.assert(
      fc.asyncProperty(junk, async (message) => {
        await agent.send(message as unknown as JSONRPCMessage)
        expectAnswer(await request('ping'), `after ${JSON.stringify(message)?.slice(0, 300)}`)
      }),
      { numRuns: runs },
    )
  })
})
