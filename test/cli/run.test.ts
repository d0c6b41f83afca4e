/**
 * `airlock run`, `rollback plan|run`, `credentials check` and `audit
 * show-state`, locally with a project configuration (SQLite store, shipped
 * Kubernetes catalogue, file credential relative to the config) and through
 * a running gateway, against the fake Kubernetes API.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadActions } from '../../src/actions/load-actions.js'
import { resolveShippedCatalog } from '../../src/actions/shipped-catalogs.js'
import { createAirlock } from '../../src/airlock.js'
import { createHttpApp } from '../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { runAirlock } from '../helpers/airlock-binary.js'
import { type FakeKubernetesApi, startFakeKubernetesApi } from '../helpers/fake-kubernetes-api.js'

const TOKEN = 'cli-kube-token-never-printed'
const SCALE = JSON.stringify({ namespace: 'shop', deployment: 'web', replicas: 5 })

let dir: string
let kube: FakeKubernetesApi

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-run-cli-'))
  kube = await startFakeKubernetesApi()
  kube.put('deployments', { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 2 } })
  await mkdir(join(dir, 'secrets'))
  await mkdir(join(dir, 'policies'))
  await writeFile(join(dir, 'secrets', 'kubeconfig'), kube.kubeconfig(TOKEN))
  await writeFile(
    join(dir, 'policies', 'ops.yaml'),
    `rules:
  - name: ops-may-scale
    match: { actions: [scale-deployment, cordon-node] }
    decision: allow
    reason: Operations
`,
  )
  await writeFile(
    join(dir, 'airlock.config.yaml'),
    `store: sqlite:./.airlock/airlock.db
catalogs: [kubernetes]
policies: [./policies]
auth: { anonymous: true }
seal: { key_file: ./.airlock/seal.key }
dashboard: { enabled: false }
executors:
  credentials:
    kubernetes: { provider: file, path: ./secrets/kubeconfig, format: text, key: kubeconfig }
`,
  )
})
afterEach(async () => {
  await kube.stop()
  await rm(dir, { recursive: true, force: true })
})

const cli = (argv: string[], env: Record<string, string> = {}) => runAirlock(argv, dir, env)

describe('airlock run / rollback / credentials check / audit show-state (local)', () => {
  it('dry-runs, runs, shows the state, plans and runs the undo', async () => {
    const dry = await cli(['run', 'scale-deployment', '--params', SCALE, '--dry-run', '--json'])
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({
      status: 'dry_run',
      executor: 'kubernetes',
      call: { operation: 'AppsV1Api.patchNamespacedDeploymentScale' },
      credential: { provider: 'file', location: join(dir, 'secrets', 'kubeconfig') },
    })
    expect(kube.requests).toHaveLength(0)

    const ran = await cli(['run', 'scale-deployment', '--params', SCALE, '--json'])
    expect(ran.code, ran.stderr).toBe(0)
    const executed = JSON.parse(ran.stdout) as { status: string; audit_id: string }
    expect(executed.status).toBe('executed')
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 5 })

    const state = await cli(['audit', 'show-state', executed.audit_id, '--json'])
    expect(state.code, state.stderr).toBe(0)
    expect(JSON.parse(state.stdout)).toMatchObject({
      executor: 'kubernetes',
      state_before: { replicas: 2 },
      state_after: { replicas: 5 },
    })

    const plan = await cli(['rollback', 'plan', executed.audit_id])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toContain('replicas = 2')
    expect(plan.stdout).toContain('from before_state.replicas')
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 5 })

    const undo = await cli(['rollback', 'run', executed.audit_id, '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(JSON.parse(undo.stdout)).toMatchObject({ status: 'executed', plan: { params: { replicas: 2 } } })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 2 })
    for (const out of [dry, ran, state, plan, undo]) expect(out.stdout).not.toContain(TOKEN)
  })

  it('denied runs exit 1; an undo of what cannot be undone is refused', async () => {
    const denied = await cli(['run', 'delete-namespace', '--params', '{"namespace":"shop"}'])
    expect(denied.code).toBe(1)
    expect(denied.stdout).toContain('DENIED')
    const missing = await cli(['rollback', 'plan', 'evt-000000000000000000000000'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('EVIDENCE_NOT_FOUND')
  })

  it('credentials check names the provider and the file, and never prints the secret', async () => {
    const ok = await cli(['credentials', 'check', 'scale-deployment', '--params', SCALE])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('AVAILABLE')
    expect(ok.stdout).toContain(`reads:     ${join(dir, 'secrets', 'kubeconfig')}`)
    expect(ok.stdout).toContain('kubeconfig (not shown)')
    expect(ok.stdout).not.toContain(TOKEN)
    await rm(join(dir, 'secrets', 'kubeconfig'))
    const gone = await cli(['credentials', 'check', 'scale-deployment', '--json'])
    expect(gone.code).toBe(1)
    expect(JSON.parse(gone.stdout)).toMatchObject({ available: false, provider: 'file' })
    expect(JSON.parse(gone.stdout).problem).toContain('file provider: cannot read')
  })
})

describe('airlock run / rollback through a gateway (AIRLOCK_URL)', () => {
  it('runs, plans and runs the undo over HTTP with the API key', async () => {
    const catalog = resolveShippedCatalog('kubernetes')
    if (!catalog.ok) throw new Error(catalog.message)
    process.env.AIRLOCK_TEST_CLI_KUBECONFIG = kube.kubeconfig(TOKEN)
    const airlock = createAirlock({
      actions: await loadActions([catalog.dir]),
      policies: [allowAll()],
      executors: {
        credentials: {
          kubernetes: { provider: 'env', variables: { kubeconfig: 'AIRLOCK_TEST_CLI_KUBECONFIG' } },
        },
      },
    })
    const key = generateApiKey()
    const app = createHttpApp(airlock, {
      auth: apiKeyAuth({ keys: [{ id: 'ops', sha256: hashApiKey(key), actor_id: 'ops' }] }),
    })
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    const env = {
      AIRLOCK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AIRLOCK_API_KEY: key,
    }
    try {
      const dry = await cli(['run', 'scale-deployment', '--params', SCALE, '--dry-run'], env)
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.stdout).toContain('DRY RUN scale-deployment')
      expect(dry.stdout).toContain('AppsV1Api.patchNamespacedDeploymentScale')
      const ran = await cli(['run', 'scale-deployment', '--params', SCALE, '--json'], env)
      expect(ran.code, ran.stderr).toBe(0)
      const { audit_id } = JSON.parse(ran.stdout) as { audit_id: string }
      const state = await cli(['audit', 'show-state', audit_id, '--json'], env)
      expect(JSON.parse(state.stdout)).toMatchObject({
        state_before: { replicas: 2 },
        state_after: { replicas: 5 },
      })
      const plan = await cli(['rollback', 'plan', audit_id, '--json'], env)
      expect(JSON.parse(plan.stdout)).toMatchObject({ params: { replicas: 2 }, runnable: true })
      const undo = await cli(['rollback', 'run', audit_id], env)
      expect(undo.code, undo.stderr).toBe(0)
      expect(undo.stdout).toContain('EXECUTED scale-deployment')
      expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 2 })
      const denied = await cli(['run', 'no-such-action'], env)
      expect(denied.code).toBe(1)
    } finally {
      await new Promise((resolve) => server.close(resolve))
      await airlock.close()
      delete process.env.AIRLOCK_TEST_CLI_KUBECONFIG
    }
  })
})
