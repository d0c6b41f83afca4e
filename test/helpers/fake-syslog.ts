/**
 * A fake syslog receiver for tests: a real TCP (or TLS) listener on loopback
 * that reads octet-counted RFC 5424 frames and records each message. It can
 * be taken down and brought back on the same port.
 */
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'

export interface FakeSyslog {
  readonly port: number
  /** Whole messages received, in order (without the length prefix). */
  readonly messages: string[]
  /** Seqs from each message's structured data, in order received. */
  seqs(): number[]
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

/** Starts the receiver; with `tls`, it serves that key and certificate. */
export async function startFakeSyslog(tls?: { key: string; cert: string }): Promise<FakeSyslog> {
  let server: Server | null = null
  let port = 0
  const sockets = new Set<Socket>()
  const messages: string[] = []

  const onSocket = (socket: Socket) => {
    sockets.add(socket)
    let pending = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        const space = pending.indexOf(0x20)
        if (space < 0) return
        const length = Number(pending.subarray(0, space).toString('ascii'))
        if (pending.length < space + 1 + length) return
        messages.push(pending.subarray(space + 1, space + 1 + length).toString('utf8'))
        pending = pending.subarray(space + 1 + length)
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  }

  const fake: FakeSyslog = {
    get port() {
      return port
    },
    messages,
    seqs: () => messages.map((m) => Number(/ seq="(\d+)"/.exec(m)?.[1])),
    async down() {
      const s = server
      server = null
      for (const socket of sockets) socket.destroy()
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
    },
    async up() {
      const s = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onSocket) : createTcpServer(onSocket)
      await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve))
      port = (s.address() as AddressInfo).port
      server = s
    },
    close: () => fake.down(),
  }
  await fake.up()
  return fake
}
