import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAirlock } from '../../src/airlock.js'
import { anonymousAuth } from '../../src/identity/auth/anonymous-auth.js'
import { type RunningServer, startServer } from '../../src/server/start-server.js'

let running: RunningServer
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

beforeAll(async () => {
  running = await startServer({
    airlock: createAirlock({ actions: [] }),
    auth: anonymousAuth(),
    host: '127.0.0.1',
    port: 0,
    logger: quiet,
  })
})
afterAll(() => running.close({ force: true }))

/** Sends raw bytes and reads the raw answer until the server closes the connection. */
function rawRequest(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(running.port, '127.0.0.1')
    let out = ''
    socket.on('data', (chunk) => (out += chunk.toString('latin1')))
    socket.on('end', () => resolve(out))
    socket.on('close', () => resolve(out))
    socket.on('error', reject)
    socket.end(bytes)
  })
}

function parse(raw: string): {
  status: number
  type: string | undefined
  id: string | undefined
  body: Record<string, unknown>
} {
  const [head = '', body = ''] = raw.split('\r\n\r\n')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1])
  const type = /^content-type: (.+)$/im.exec(head)?.[1]
  const id = /^x-request-id: (.+)$/im.exec(head)?.[1]
  return { status, type, id, body: JSON.parse(body) as Record<string, unknown> }
}

describe('requests the HTTP parser rejects', () => {
  it('answers a NUL in a header value with a problem+json 400', async () => {
    const r = parse(
      await rawRequest(Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n', 'latin1')),
    )
    expect(r.status).toBe(400)
    expect(r.type).toBe('application/problem+json')
    expect(r.body).toMatchObject({ code: 'MALFORMED_REQUEST', title: 'Malformed HTTP request', status: 400 })
    expect(r.body.detail).toContain('character HTTP does not allow')
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(r.body.request_id).toBe(r.id)
  })

  it('answers a 60 KB header with a problem+json 431', async () => {
    const big = 'a'.repeat(60 * 1024)
    const r = parse(await rawRequest(Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`)))
    expect(r.status).toBe(431)
    expect(r.type).toBe('application/problem+json')
    expect(r.body).toMatchObject({ code: 'HEADERS_TOO_LARGE', title: 'Request headers too large' })
  })

  it('answers raw 8-bit bytes in the path with a problem+json 400', async () => {
    const request = Buffer.concat([
      Buffer.from('GET /actions/'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
    ])
    const r = parse(await rawRequest(request))
    expect(r.status).toBe(400)
    expect(r.type).toBe('application/problem+json')
    expect(r.body).toMatchObject({ code: 'MALFORMED_REQUEST' })
  })
})
