/**
 * The syslog sink: RFC 5424 messages over TCP or TLS, one per event, for
 * SIEMs.
 *
 * @remarks Syslog has no acknowledgement: a batch counts as delivered once
 * its bytes have been handed to the connection. A connection that fails is
 * dropped and the batch offered again on a new one, so a receiver may see
 * events twice (drop them by the `seq` in the structured data); events the
 * receiver's kernel accepted just before the receiver itself crashed can be
 * lost, which is why a SIEM copy is best paired with a files or S3 shipper.
 *
 * @module
 */
import { connect as netConnect, type Socket } from 'node:net'
import { hostname } from 'node:os'
import { setImmediate as turn } from 'node:timers/promises'
import { connect as tlsConnect } from 'node:tls'
import type { Sink } from './sink.js'
import { octetFrame, type SyslogFormat, syslogMessage } from './syslog-format.js'

/** Options of {@link syslogSink}. */
export interface SyslogSinkConfig extends Partial<SyslogFormat> {
  readonly host: string
  readonly port: number
  /** Connect over TLS; `ca` adds trusted certificates (PEM). The certificate is always verified. */
  readonly tls?: boolean | { readonly ca?: string; readonly servername?: string }
  /** Connect and write time limit. Default 10 s. */
  readonly timeout_ms?: number
}

/** Creates a syslog sink. */
export function syslogSink(config: SyslogSinkConfig): Sink {
  const format: SyslogFormat = { ...config, hostname: config.hostname ?? hostname() }
  const timeout = config.timeout_ms ?? 10_000
  let socket: Socket | null = null

  function open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const tls = config.tls
      const s = tls
        ? tlsConnect({
            host: config.host,
            port: config.port,
            ...(typeof tls === 'object' && tls.ca ? { ca: tls.ca } : {}),
            servername: (typeof tls === 'object' ? tls.servername : undefined) ?? config.host,
          })
        : netConnect({ host: config.host, port: config.port })
      const ready = tls ? 'secureConnect' : 'connect'
      const fail = (error: Error) => {
        s.destroy()
        reject(error)
      }
      s.setTimeout(timeout, () => fail(new Error(`syslog ${config.host}:${config.port}: timed out`)))
      s.once('error', fail)
      s.once(ready, () => {
        s.off('error', fail)
        s.setTimeout(0)
        s.setKeepAlive(true)
        // Later errors surface through the next write; closing forgets the socket.
        s.on('error', () => undefined)
        s.once('close', () => {
          if (socket === s) socket = null
        })
        // Receivers send nothing; reading is how a close by the receiver is noticed
        // before the next batch is written into a dead connection.
        s.once('end', () => {
          if (socket === s) socket = null
          s.destroy()
        })
        s.resume()
        resolve(s)
      })
    })
  }

  function write(s: Socket, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => s.destroy(new Error('syslog write timed out')), timeout)
      s.write(data, (error) => {
        clearTimeout(timer)
        if (error) reject(error)
        else resolve()
      })
    })
  }

  return {
    kind: 'syslog',
    async deliver(batch) {
      // One I/O turn first, so a close by the receiver while idle is seen
      // before anything is written into the dead connection.
      await turn()
      socket ??= await open()
      const s = socket
      const data = Buffer.concat(batch.events.map((e) => octetFrame(syslogMessage(e, format))))
      try {
        await write(s, data)
        // And one after: a reset that answers the write fails the batch (sent again) instead of losing it.
        await turn()
        if (s.destroyed || s.readableEnded)
          throw new Error(`syslog ${config.host}:${config.port}: connection closed`)
      } catch (error) {
        s.destroy()
        if (socket === s) socket = null
        throw error
      }
    },
    async close() {
      const s = socket
      socket = null
      if (s) await new Promise<void>((resolve) => s.end(resolve))
    },
  }
}
