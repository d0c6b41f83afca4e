/**
 * `airlock serve` with a transparency log, as a real process: it makes its
 * key on first start and prints the verifier key, and SIGTERM leaves a
 * signed checkpoint covering every audited event, which `airlock audit
 * prove` and `audit verify --checkpoint` then check with that key alone.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { captureCli } from '../helpers/capture-cli.js'
import { client, ROOT, startGateway, stopAll } from './helpers/gateway-process.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-e2e-tlog-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'p.yaml'),
    'rules:\n  - { name: agents, match: { callers: { roles: [agent] } }, decision: allow, reason: ok }\n',
  )
  await writeFile(
    join(dir, 'airlock.config.yaml'),
    `store: sqlite:./airlock.db
seal: { key_file: ./seal.key }
modules: [${join(ROOT, 'test/e2e/fixtures/gateway/ops.ts')}]
policies: [./policies]
auth:
  api_keys:
    - { id: agent, sha256: ceacdcd9e1e8add4c6dd4ea8bd50e593c8a22ef7917968701e4e55f1282b57e6, actor_id: agent-1, roles: [agent], scopes: [ops] }
server: { log_level: warn }
dashboard: { enabled: false } # the CLI runs from source here
transparency: { origin: e2e.test/airlock, checkpoint_every: 1000, checkpoint_interval: 1h }
`,
  )
})
afterAll(async () => {
  await stopAll()
  await rm(dir, { recursive: true, force: true })
})

describe('airlock serve with a transparency log', { timeout: 120_000 }, () => {
  it('checkpoints on shutdown what an outsider then verifies with the printed key', async () => {
    const gateway = await startGateway(['--config', join(dir, 'airlock.config.yaml'), '--port', '0'])
    const vkey = gateway.logs().find((l) => typeof l.verifier_key === 'string')?.verifier_key as string
    expect(vkey).toMatch(/^e2e\.test\/airlock\+[0-9a-f]{8}\+/)
    const call = client(gateway.url, 'ak_e2e_agent_Zx81')
    for (let i = 0; i < 3; i++) {
      const done = await call('POST', '/actions/echo/execute', { inputs: { message: `m${i}` } })
      expect(done.status).toBe(200)
    }
    expect(await gateway.stop()).toBe(0)

    const store = sqliteStore({ path: join(dir, 'airlock.db') })
    const head = await store.audit.head()
    const [first] = await store.audit.range(0, 1)
    const last = await store.merkle!.latestCheckpoint()
    await store.close()
    expect(head?.seq).toBeGreaterThanOrEqual(6)
    expect(last?.size).toBe(head?.seq)
    const url = `sqlite:${join(dir, 'airlock.db')}`
    const proved = await captureCli(
      ['audit', 'prove', first!.id, '--store', url, '-o', 'p.json', '--checkpoint-out', 'cp.note'],
      dir,
    )
    expect(proved.code).toBe(0)
    const verified = await captureCli(
      ['audit', 'verify', '--checkpoint', 'cp.note', '--proof', 'p.json', '--key', vkey!],
      dir,
    )
    expect(verified.stdout).toContain(`event ${first!.id} (seq 1) is in the log`)
    expect(verified.code).toBe(0)
  })
})
