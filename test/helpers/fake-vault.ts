/**
 * A FAKE HashiCorp Vault for tests, on loopback: only the KV v2 read
 * (`GET /v1/<mount>/data/<path>`) with token auth (`X-Vault-Token`). It is
 * not Vault; it records which paths were read and with which token.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeVault {
  readonly url: string
  /** `<mount>/<path>` → the secret's key/value data. */
  readonly secrets: Map<string, Record<string, string>>
  /** Every read: the path and the token it carried. */
  readonly reads: { path: string; token: string | undefined }[]
  stop(): Promise<void>
}

export async function startFakeVault(token: string): Promise<FakeVault> {
  const secrets = new Map<string, Record<string, string>>()
  const reads: FakeVault['reads'] = []
  const server: Server = createServer((req, res) => {
    const match = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(req.url ?? '')
    const given = req.headers['x-vault-token']
    const sent = Array.isArray(given) ? given[0] : given
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'GET' || !match) return answer(405, { errors: ['only KV v2 reads'] })
    const path = `${match[1]}/${decodeURIComponent(match[2]!)}`
    reads.push({ path, token: sent })
    if (sent !== token) return answer(403, { errors: ['permission denied'] })
    const data = secrets.get(path)
    if (!data) return answer(404, { errors: [] })
    return answer(200, { data: { data, metadata: { version: 1 } } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    secrets,
    reads,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
