import { describe, expect, it } from 'vitest'
import { UsageError } from '../usage-error.js'
import { parseUpstream, splitCommandLine } from './mcp-command.js'

describe('--upstream', () => {
  it('splits a command line, keeping quoted words together', () => {
    expect(splitCommandLine(`npx -y @modelcontextprotocol/server-filesystem "/tmp/my files" '/srv'`)).toEqual(
      ['npx', '-y', '@modelcontextprotocol/server-filesystem', '/tmp/my files', '/srv'],
    )
  })

  it('reads an http(s) URL as a Streamable HTTP upstream and anything else as a command', () => {
    expect(parseUpstream('https://mcp.example.test/mcp', [])).toEqual({ url: 'https://mcp.example.test/mcp' })
    expect(parseUpstream('node server.js', ['--root', '/tmp'])).toEqual({
      command: 'node',
      args: ['server.js', '--root', '/tmp'],
    })
  })

  it('rejects an empty command and arguments after a URL', () => {
    expect(() => parseUpstream('   ', [])).toThrow(UsageError)
    expect(() => parseUpstream('http://127.0.0.1:9/mcp', ['x'])).toThrow(UsageError)
  })
})
