/**
 * Fail closed: when Airlock itself cannot decide or record a call (here its
 * SQLite store has gone away), the call is answered with an error and never
 * reaches the upstream.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ActionRegistry } from '../../src/actions/action-registry.js'
import { createAirlock } from '../../src/airlock.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { createMcpProxy, type McpProxy } from '../../src/mcp/index.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { connectClient, SERVERS } from './mcp-fixtures.js'

let dir: string
let proxy: McpProxy | undefined

afterEach(async () => {
  await proxy?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('fail closed', () => {
  it('answers isError and does not forward the call when the store fails', async () => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-mcp-closed-'))
    const store = sqliteStore({ path: join(dir, 'airlock.db') })
    await store.migrate()
    const registry = new ActionRegistry()
    const airlock = createAirlock({
      actions: registry,
      policies: [allowAll()],
      store,
      seal: { keys: { k1: generateSealKey() }, current: 'k1' },
    })
    const errors: unknown[] = []
    proxy = await createMcpProxy({
      airlock,
      registry,
      namespace: 'fs',
      upstream: { command: process.execPath, args: [SERVERS.filesystem, dir], stderr: 'ignore' },
      tools: { write_file: { risk: 'low' } },
      principal: localPrincipal('agent-7'),
      onError: (error) => errors.push(error),
    })
    const client = await connectClient(proxy.server)
    const ok = await client.callTool({
      name: 'write_file',
      arguments: { path: join(dir, 'a.txt'), content: 'a' },
    })
    expect(ok.isError).toBeFalsy()

    await store.close()
    const target = join(dir, 'b.txt')
    const result = await client.callTool({ name: 'write_file', arguments: { path: target, content: 'b' } })
    expect(result.isError).toBe(true)
    expect(JSON.stringify(result.content)).toContain('Airlock could not decide this call, so it was not run')
    expect(existsSync(target)).toBe(false)
    expect(errors).toHaveLength(1)
    await client.close()
  })
})
