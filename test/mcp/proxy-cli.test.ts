/**
 * `airlock mcp proxy` as an MCP client's config would start it: a real SDK
 * client over stdio, the real filesystem server behind it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI } from '../e2e/helpers/gateway-process.js'
import { ROOT, SERVERS } from './mcp-fixtures.js'

let dir: string
let client: Client

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-mcp-cli-'))
  const files = join(dir, 'files')
  mkdirSync(join(files, 'work'), { recursive: true })
  writeFileSync(join(files, 'work', 'a.txt'), 'alpha')
  writeFileSync(
    join(dir, 'policies.yaml'),
    `rules:
  - name: reads
    match: { actions: ['fs.read_*', 'fs.list_*'] }
    decision: allow
    reason: Reads are fine
  - name: writes-in-work
    match: { actions: [fs.write_file], path_patterns: ['${files}/work/*'] }
    decision: allow
    reason: Writes inside work/
`,
  )
  writeFileSync(
    join(dir, 'airlock.config.yaml'),
    `store: memory
policies: [./policies.yaml]
auth: { anonymous: true }
dashboard: { enabled: false }
mcp:
  wait: 0s
  proxy:
    namespace: fs
    unknown_tools: deny
    tools:
      read_text_file: { risk: low }
      write_file: { risk: medium }
`,
  )
  const [command, ...args] = CLI
  client = new Client({ name: 'cli-proxy-test', version: '1.0.0' })
  await client.connect(
    new StdioClientTransport({
      command,
      args: [
        ...args,
        'mcp',
        'proxy',
        '--config',
        join(dir, 'airlock.config.yaml'),
        '--caller',
        'agent-1',
        '--',
        process.execPath,
        SERVERS.filesystem,
        files,
      ],
      cwd: ROOT,
      stderr: 'ignore',
    }),
    { timeout: 110_000 },
  )
}, 120_000)

afterAll(async () => {
  await client?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('airlock mcp proxy (stdio)', () => {
  it('relays reads, denies what the policy does not allow, and hides tools it does not know', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['read_text_file', 'write_file'])
    const read = await client.callTool({
      name: 'read_text_file',
      arguments: { path: join(dir, 'files', 'work', 'a.txt') },
    })
    expect(read.isError).toBeFalsy()
    expect(JSON.stringify(read.content)).toContain('alpha')
    const write = await client.callTool({
      name: 'write_file',
      arguments: { path: join(dir, 'files', 'b.txt'), content: 'x' },
    })
    expect(write.isError).toBe(true)
    expect(existsSync(join(dir, 'files', 'b.txt'))).toBe(false)
  })
})
