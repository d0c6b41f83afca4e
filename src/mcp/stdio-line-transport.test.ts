import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { stdioLineTransport } from './stdio-line-transport.js'

async function feed(chunks: readonly string[]) {
  const input = new PassThrough()
  const output = new PassThrough()
  const transport = stdioLineTransport(input, output)
  const messages: unknown[] = []
  transport.onmessage = (message) => messages.push(message)
  await transport.start()
  for (const chunk of chunks) input.write(chunk)
  await new Promise((done) => setImmediate(done))
  const written = String(output.read() ?? '')
  const answers = written
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
  await transport.close()
  return { messages, answers }
}

describe('stdioLineTransport', () => {
  it('passes on every JSON line, valid JSON-RPC or not, across chunk and CRLF boundaries', async () => {
    const { messages, answers } = await feed([
      '{"jsonrpc":"2.0","id":1,',
      '"method":"ping"}\r\n[1,2]\n\n"x"\n',
    ])
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }, [1, 2], 'x'])
    expect(answers).toEqual([])
  })

  it('answers a line that is not JSON with -32700 and reads on', async () => {
    const { messages, answers } = await feed(['{"id":1\n', '{"id":2}\n'])
    expect(answers).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error: /) } },
    ])
    expect(messages).toEqual([{ id: 2 }])
  })

  it('drops a line over the limit with one answer, and reads the next line', async () => {
    const huge = 'x'.repeat(1024 * 1024)
    const { messages, answers } = await feed([...Array.from({ length: 11 }, () => huge), 'tail\n{"id":3}\n'])
    expect(answers).toHaveLength(1)
    expect(answers[0].error).toMatchObject({ code: -32700, message: expect.stringContaining('longer than') })
    expect(messages).toEqual([{ id: 3 }])
  })
})
