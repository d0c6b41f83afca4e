/**
 * Airlock's own actions as an MCP server, reached by real SDK clients: over
 * stdio (`airlock mcp serve`) and over Streamable HTTP at /mcp on a running
 * gateway (`airlock serve`), authenticated by API key.
 */
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import {
  CLI,
  type GatewayProcess,
  client as httpClient,
  startGateway,
  stopAll,
} from '../e2e/helpers/gateway-process.js'
import { ROOT } from './mcp-fixtures.js'

const CONFIG = fileURLToPath(new URL('./fixtures/server/airlock.config.yaml', import.meta.url))
const AGENT_KEY = generateApiKey()
const APPROVER_KEY = generateApiKey()
const ENV = {
  MCP_TEST_AGENT_SHA256: hashApiKey(AGENT_KEY),
  MCP_TEST_APPROVER_SHA256: hashApiKey(APPROVER_KEY),
}

type CallResult = Awaited<ReturnType<Client['callTool']>>
const textOf = (result: CallResult) =>
  (result.content as { type: string; text: string }[]).map((c) => c.text).join('\n')

/** What both transports must do the same. */
async function expectGovernedTools(client: Client): Promise<void> {
  const { tools } = await client.listTools()
  expect(tools.map((t) => t.name).sort()).toEqual(['get_invoice', 'refund'])
  const invoice = tools.find((t) => t.name === 'get_invoice')!
  expect(invoice.inputSchema.required).toEqual(['invoice_id'])
  expect(invoice.outputSchema?.properties).toHaveProperty('amount')
  expect(invoice.annotations).toMatchObject({
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
  })
  const refundTool = tools.find((t) => t.name === 'refund')!
  expect(refundTool.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true })

  const read = await client.callTool({ name: 'get_invoice', arguments: { invoice_id: 'inv_7' } })
  expect(read.isError).toBeFalsy()
  expect(read.structuredContent).toEqual({ invoice_id: 'inv_7', amount: 42 })

  const bad = await client.callTool({ name: 'get_invoice', arguments: { invoice_id: 'DROP TABLE' } })
  expect(bad.isError).toBe(true)
  expect(textOf(bad)).toContain('INPUT_INVALID')

  // Hidden from the list, still enforced when called by name.
  const wipe = await client.callTool({ name: 'wipe_ledger', arguments: {} })
  expect(wipe.isError).toBe(true)
  expect(textOf(wipe)).toContain('Agents never wipe the ledger')
}

describe('airlock mcp serve (stdio)', () => {
  let client: Client
  beforeAll(async () => {
    const [command, ...args] = CLI
    client = new Client({ name: 'stdio-test', version: '1.0.0' })
    await client.connect(
      new StdioClientTransport({
        command,
        args: [...args, 'mcp', 'serve', '--config', CONFIG, '--caller', 'agent-1', '--roles', 'agent'],
        cwd: ROOT,
        env: { ...(process.env as Record<string, string>), ...ENV },
        stderr: 'ignore',
      }),
      // Transpiling the CLI from source on a busy machine takes a while.
      { timeout: 110_000 },
    )
  }, 120_000)
  afterAll(async () => {
    await client?.close()
  })

  it('lists, runs, validates and denies through the pipeline', async () => {
    await expectGovernedTools(client)
  })
})

describe('/mcp on the gateway (Streamable HTTP)', () => {
  let gateway: GatewayProcess
  beforeAll(async () => {
    gateway = await startGateway(['--config', CONFIG, '--port', '0'], ENV)
  }, 120_000)
  afterAll(async () => {
    await stopAll()
  })

  const connect = async (key: string, capabilities = {}, headers: Record<string, string> = {}) => {
    const client = new Client({ name: 'http-test', version: '1.0.0' }, { capabilities })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
        requestInit: { headers: { 'x-api-key': key, ...headers } },
      }),
    )
    return client
  }

  it('audits a tool call under the X-Request-Id of the HTTP request that carried it', async () => {
    const agent = await connect(AGENT_KEY, {}, { 'x-request-id': 'mcp-trace-7' })
    const read = await agent.callTool({ name: 'get_invoice', arguments: { invoice_id: 'inv_8' } })
    expect(read.isError).toBeFalsy()
    await agent.close()
    const api = httpClient(gateway.url, APPROVER_KEY)
    const audit = await api('GET', '/audit?action=get_invoice&limit=100')
    const traced = (audit.body.items as { status: string; context: Record<string, unknown> | null }[])
      .filter((e) => e.context?.client_request_id === 'mcp-trace-7')
      .map((e) => e.status)
    expect(traced.sort()).toEqual(['executed', 'started'])
  })

  it('lists, runs, validates and denies through the pipeline, as the key’s principal', async () => {
    const client = await connect(AGENT_KEY)
    await expectGovernedTools(client)
    await client.close()
  })

  it('refuses requests without a credential, and sessions opened by someone else', async () => {
    const anonymous = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expect(anonymous.status).toBe(401)

    const agent = await connect(AGENT_KEY)
    const transport = agent.transport as StreamableHTTPClientTransport
    const hijack = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: {
        'x-api-key': APPROVER_KEY,
        'mcp-session-id': transport.sessionId!,
        'mcp-protocol-version': '2025-06-18',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expect(hijack.status).toBe(404)
    await agent.close()
  })

  it('holds a refund, streams progress while waiting, and runs it once the approver decides over HTTP', async () => {
    const agent = await connect(AGENT_KEY)
    const progress: string[] = []
    let sawHeld!: (message: string) => void
    const held = new Promise<string>((resolve) => {
      sawHeld = resolve
    })
    const call = agent.callTool(
      { name: 'refund', arguments: { invoice_id: 'inv_9', amount: 12 } },
      undefined,
      {
        onprogress: (p) => {
          progress.push(p.message ?? '')
          const id = /apr-[\w-]+/.exec(p.message ?? '')?.[0]
          if (id) sawHeld(id)
        },
        resetTimeoutOnProgress: true,
      },
    )
    const approvalId = await held
    const api = httpClient(gateway.url, APPROVER_KEY)
    const decided = await api('POST', `/approvals/${approvalId}/approve`, { comment: 'ok' })
    expect(decided.status).toBe(200)
    const result = await call
    expect(result.isError).toBeFalsy()
    expect(result.structuredContent).toEqual({ refunded: 12, invoice_id: 'inv_9' })

    const audit = await api('GET', `/audit?approval_id=${approvalId}`)
    const statuses = (audit.body.items as { status: string }[]).map((e) => e.status).sort()
    expect(statuses).toEqual(['approved', 'executed', 'held', 'started'].sort())
    const verify = await api('GET', '/audit/verify')
    expect(verify.body).toMatchObject({ valid: true })
    await agent.close()
  })
})
