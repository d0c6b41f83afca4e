/** The quickstart gateway in this process, on a real loopback port, with a throwaway SQLite store. */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createAirlockFromConfig } from '../../src/config/create-airlock-from-config.js'
import { loadConfig } from '../../src/config/load-config.js'
import type { ResolvedConfig } from '../../src/config/resolved-config.js'
import { type RunningServer, startServer } from '../../src/server/start-server.js'

export const QUICKSTART = resolve('examples/quickstart/airlock.config.yaml')
export const AGENT_KEY = 'ak_demo_agent_7Qm2xV9pLc4RtY8n'
export const APPROVER_KEY = 'ak_demo_approver_3Hs6Kd1WfZ0bJe5u'

const silent = { info() {}, warn() {}, error() {}, debug() {} }

export interface TestGateway {
  readonly url: string
  readonly server: RunningServer
  stop(): Promise<void>
}

/** Starts the quickstart config (its actions, policies, auth and dashboard) with `changes` applied. */
export async function startQuickstart(changes: Partial<ResolvedConfig> = {}): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-dash-'))
  const loaded = await loadConfig(QUICKSTART)
  const config: ResolvedConfig = {
    ...loaded,
    seal: { kind: 'keys', keys: { k0: randomBytes(32).toString('base64') }, current: 'k0' },
    ...changes,
  }
  const { airlock, httpOptions } = await createAirlockFromConfig(config, {
    store: `sqlite:${join(dir, 'a.db')}`,
  })
  const server = await startServer({
    airlock,
    auth: httpOptions.auth,
    mount: httpOptions.mount,
    host: '127.0.0.1',
    port: 0,
    logger: silent,
  })
  return {
    url: server.url,
    server,
    stop: async () => {
      await server.close({ force: true })
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Calls the HTTP API as `key`. */
export async function api(url: string, key: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}
