/**
 * The proxy in front of a Streamable HTTP upstream: here, another Airlock's
 * /mcp endpoint on a real port, reached with an API key. Both pipelines
 * decide and audit the call.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ActionRegistry } from '../../src/actions/action-registry.js'
import { defineAction } from '../../src/actions/define-action.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { createMcpProxy, type McpProxy, mcpHttpApp } from '../../src/mcp/index.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { type RunningServer, startServer } from '../../src/server/index.js'
import { auditTrail, connectClient } from './mcp-fixtures.js'

const silent = { info() {}, warn() {}, error() {}, debug() {} }
let gatewayAirlock: Airlock
let gateway: RunningServer
let proxyAirlock: Airlock
let proxy: McpProxy
let client: Client

beforeAll(async () => {
  const key = generateApiKey()
  gatewayAirlock = createAirlock({
    actions: [
      defineAction({
        name: 'get_invoice',
        description: 'Read one invoice.',
        risk: 'low',
        input: z.object({ invoice_id: z.string() }),
        handler: ({ invoice_id }) => ({ invoice_id, amount: 42 }),
      }),
    ],
    policies: [allowAll()],
  })
  gateway = await startServer({
    airlock: gatewayAirlock,
    auth: apiKeyAuth({ keys: [{ id: 'proxy', sha256: hashApiKey(key), actor_id: 'billing-proxy' }] }),
    authenticated_mount: [{ path: '/mcp', app: mcpHttpApp(gatewayAirlock) }],
    host: '127.0.0.1',
    port: 0,
    logger: silent,
  })
  const registry = new ActionRegistry()
  proxyAirlock = createAirlock({ actions: registry, policies: [allowAll()] })
  proxy = await createMcpProxy({
    airlock: proxyAirlock,
    registry,
    namespace: 'billing',
    upstream: { url: `${gateway.url}/mcp`, headers: { 'x-api-key': key } },
    tools: { get_invoice: { risk: 'low' } },
    principal: localPrincipal('agent-7'),
  })
  client = await connectClient(proxy.server)
})

afterAll(async () => {
  await client?.close()
  await proxy?.close()
  await proxyAirlock?.close()
  await gateway?.close({ force: true })
})

describe('proxy in front of a Streamable HTTP upstream', () => {
  it('governs the call here and the upstream governs it again as the proxy’s own principal', async () => {
    const result = await client.callTool({ name: 'get_invoice', arguments: { invoice_id: 'inv_1' } })
    expect(result.isError).toBeFalsy()
    expect(result.structuredContent).toEqual({ invoice_id: 'inv_1', amount: 42 })
    const here = await auditTrail(proxyAirlock)
    expect(here.map((e) => [e.action, e.actor, e.status])).toEqual([
      ['billing.get_invoice', 'agent-7', 'started'],
      ['billing.get_invoice', 'agent-7', 'executed'],
    ])
    const there = await auditTrail(gatewayAirlock)
    expect(there.map((e) => [e.action, e.actor, e.status])).toEqual([
      ['get_invoice', 'billing-proxy', 'started'],
      ['get_invoice', 'billing-proxy', 'executed'],
    ])
  })
})
