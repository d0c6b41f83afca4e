/**
 * An MCP server transport over stdio that hands every JSON line on, valid
 * JSON-RPC or not, so {@link answerMalformed} can answer the malformed ones.
 *
 * @module
 */
import type { Readable, Writable } from 'node:stream'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'

/** JSON-RPC 2.0's code for a message that is not JSON. */
const PARSE_ERROR = -32700
/** Longest line kept while waiting for its end (UTF-16 units), about what the SDK's own stdio transport allows. */
const MAX_LINE = 10 * 1024 * 1024

/**
 * Reads newline-delimited JSON from `input` and writes messages to `output`.
 *
 * @remarks A line that is not JSON is answered with error -32700 (`id: null`)
 * saying where parsing stopped, and reading goes on. A line longer than
 * 10 Mi characters is dropped and answered the same way. Everything that parses is
 * passed to `onmessage` as it is: wrap the transport in
 * {@link answerMalformed} before connecting a server.
 */
export function stdioLineTransport(
  input: Readable = process.stdin,
  output: Writable = process.stdout,
): Transport {
  let buffered = ''
  let skipping = false
  const reply = (message: string) => {
    const answer = { jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message } }
    output.write(`${JSON.stringify(answer)}\n`)
  }
  const line = (text: string) => {
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      reply(`Parse error: the line is not JSON (${(error as Error).message})`)
      return
    }
    transport.onmessage?.(value as JSONRPCMessage)
  }
  const onData = (chunk: Buffer | string) => {
    buffered += chunk.toString()
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const text = buffered.slice(0, end).replace(/\r$/, '')
      buffered = buffered.slice(end + 1)
      if (skipping) skipping = false
      else line(text)
    }
    if (buffered.length > MAX_LINE) {
      buffered = ''
      if (!skipping) reply(`Parse error: a line is longer than ${MAX_LINE} characters`)
      skipping = true
    }
  }
  let closed = false
  const onEnd = () => {
    if (closed) return
    closed = true
    transport.onclose?.()
  }
  const onError = (error: Error) => transport.onerror?.(error)
  const transport: Transport = {
    start: async () => {
      input.setEncoding('utf8')
      input.on('data', onData)
      input.on('end', onEnd)
      input.on('error', onError)
    },
    send: (message) =>
      new Promise<void>((done) => {
        if (output.write(`${JSON.stringify(message)}\n`)) done()
        else output.once('drain', () => done())
      }),
    close: async () => {
      input.off('data', onData)
      input.off('end', onEnd)
      input.off('error', onError)
      input.pause()
      onEnd()
    },
  }
  return transport
}
