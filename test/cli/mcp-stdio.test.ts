/**
 * `airlock mcp proxy` fed what a broken agent might write on stdin: every
 * line gets an answer, and the proxy keeps serving.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { AIRLOCK_BIN } from '../helpers/airlock-binary.js'
import { SERVERS } from '../mcp/mcp-fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-mcp-stdio-'))
let child: ChildProcessWithoutNullStreams | undefined
afterAll(() => {
  child?.kill()
  rmSync(dir, { recursive: true, force: true })
})

type Answer = { id?: unknown; result?: unknown; error?: { code: number; message: string } }

/** Starts the proxy; returns a function that writes lines and collects answers until one has `lastId`. */
function startProxy(): (lines: readonly string[], lastId: number) => Promise<Answer[]> {
  writeFileSync(
    join(dir, 'airlock.config.yaml'),
    'store: memory\nauth: { anonymous: true }\ndashboard: { enabled: false }\nmcp:\n  proxy:\n    namespace: everything\n    unknown_tools: deny\n',
  )
  const args = ['mcp', 'proxy', '--config', 'airlock.config.yaml', '--caller', 'agent-1', '--']
  child = spawn(process.execPath, [AIRLOCK_BIN, ...args, process.execPath, SERVERS.everything, 'stdio'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
  })
  const received: Answer[] = []
  let wake = () => {}
  createInterface({ input: child.stdout }).on('line', (line) => {
    received.push(JSON.parse(line) as Answer)
    wake()
  })
  return async (lines, lastId) => {
    const from = received.length
    child?.stdin.write(`${lines.join('\n')}\n`)
    while (!received.slice(from).some((a) => a.id === lastId)) await new Promise<void>((r) => (wake = r))
    // Answers only: the proxy also relays notifications (tools/list_changed) as they come.
    return received.slice(from).filter((a) => 'id' in a)
  }
}

describe('airlock mcp proxy on stdin', () => {
  it('answers a line that is not JSON and a malformed request, then carries on', async () => {
    const send = startProxy()
    const hello = await send(
      [
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 't', version: '1' },
          },
        }),
      ],
      1,
    )
    expect(hello.find((a) => a.id === 1)?.result).toBeDefined()
    const answers = await send(
      [
        JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
        '{"jsonrpc":"2.0","id":2,"method":"tools/list"',
        JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: 'all' }),
        JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'ping' }),
      ],
      4,
    )
    expect(answers).toEqual([
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: expect.stringMatching(/^Parse error: the line is not JSON \(/) },
      },
      {
        jsonrpc: '2.0',
        id: 3,
        error: { code: -32600, message: expect.stringMatching(/^Invalid request: params: /) },
      },
      { jsonrpc: '2.0', id: 4, result: {} },
    ])
  })
})
