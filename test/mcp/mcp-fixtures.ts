/**
 * Shared pieces of the MCP suites: the real third-party servers installed as
 * dev dependencies, an in-memory link to a real SDK client, and the HTTP API
 * an approver uses.
 */
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js'
import type { Airlock } from '../../src/airlock.js'
import type { AuditEvent } from '../../src/audit/audit-event.js'
import { createHttpApp } from '../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Entry points of the real servers from npm (run with this Node). */
export const SERVERS = {
  filesystem: fileURLToPath(
    new URL('../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url),
  ),
  everything: fileURLToPath(
    new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
  ),
} as const

/** A real SDK client connected in memory to `server`. */
export async function connectClient(server: Server, capabilities: ClientCapabilities = {}): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  await client.connect(clientSide)
  return client
}

/** An approver's API key and the REST API it reaches (in-process, through `app.request`). */
export function approverApi(airlock: Airlock) {
  const key = generateApiKey()
  const app = createHttpApp(airlock, {
    auth: apiKeyAuth({
      keys: [{ id: 'carol', sha256: hashApiKey(key), actor_id: 'carol', roles: ['approver'] }],
    }),
  })
  return {
    approve: (id: string) =>
      app.request(`/approvals/${id}/approve`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'looks fine' }),
      }),
  }
}

/** Every audit event, oldest first. */
export async function auditTrail(airlock: Airlock): Promise<AuditEvent[]> {
  const out: AuditEvent[] = []
  let cursor: string | null = null
  do {
    const page = await airlock.audit.list({}, 500, cursor)
    out.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  // The store lists newest first.
  return out.reverse()
}

/** Resolves once `check` holds, polling. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}
