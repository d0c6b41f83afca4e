import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadActions, parseActionYaml } from '../../src/actions/load-actions.js'
import { resolveShippedCatalog } from '../../src/actions/shipped-catalogs.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { createHttpApp } from '../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll, denyAll, requireApproval } from '../../src/policy/rules/index.js'
import { memoryStore } from '../../src/store/memory/index.js'
import { type FakeKubernetesApi, startFakeKubernetesApi } from '../helpers/fake-kubernetes-api.js'

const agent = localPrincipal('agent-1')
const kubeCredentials = {
  credentials: {
    kubernetes: { provider: 'env' as const, variables: { kubeconfig: 'AIRLOCK_TEST_DRY_KUBECONFIG' } },
  },
}

async function kubernetesActions() {
  const catalog = resolveShippedCatalog('kubernetes')
  if (!catalog.ok) throw new Error(catalog.message)
  return loadActions([catalog.dir])
}

const echo = parseActionYaml(
  'echo-pod.yaml',
  `name: echo-pod
version: "1.0.0"
description: Prints a pod name
risk_class: low
target_types: [host]
parameters:
  - name: pod
    type: string
executor: subprocess
subprocess:
  argv: ["kubectl", "delete", "pod/{pod}", "--token={credential.token}"]
credentials:
  type: kubernetes
`,
)

describe('execute(..., { dry_run: true })', () => {
  let kube: FakeKubernetesApi
  let airlock: Airlock
  beforeEach(async () => {
    kube = await startFakeKubernetesApi()
    kube.put('deployments', { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 2 } })
    process.env.AIRLOCK_TEST_DRY_KUBECONFIG = kube.kubeconfig('dry-run-token-never-read')
  })
  afterEach(async () => {
    await airlock?.close()
    await kube.stop()
    delete process.env.AIRLOCK_TEST_DRY_KUBECONFIG
  })

  it('names the exact API call, touches nothing, consumes no ticket and audits one dry_run event', async () => {
    const store = memoryStore()
    const consume = vi.spyOn(store.nonces, 'consume')
    airlock = createAirlock({
      actions: await kubernetesActions(),
      policies: [allowAll()],
      store,
      executors: kubeCredentials,
    })
    const outcome = await airlock.execute(
      'scale-deployment',
      { namespace: 'shop', deployment: 'web', replicas: 7 },
      { caller: agent, dry_run: true },
    )
    expect(outcome).toMatchObject({
      status: 'dry_run',
      executor: 'kubernetes',
      decision: { decision: 'allow' },
      call: {
        kind: 'api',
        service: 'kubernetes',
        operation: 'AppsV1Api.patchNamespacedDeploymentScale',
      },
      prechecks: [
        { name: 'deployment-exists', advisory: false },
        { name: 'hpa-check', advisory: true },
      ],
      credential: {
        type: 'kubernetes',
        provider: 'env',
        location: expect.stringContaining('AIRLOCK_TEST_DRY'),
      },
    })
    expect(JSON.stringify((outcome as { call: unknown }).call)).toContain('7')
    expect(kube.requests).toHaveLength(0)
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 2 })
    expect(consume).not.toHaveBeenCalled()
    const events = (await airlock.audit.list({}, 10)).items
    expect(events.map((e) => e.status)).toEqual(['dry_run'])
    expect(events[0]!.context).toMatchObject({ dry_run: { executor: 'kubernetes' } })
  })

  it('shows the argv with the credential masked and never reads the secret', async () => {
    airlock = createAirlock({ actions: [echo], policies: [allowAll()], executors: kubeCredentials })
    const outcome = await airlock.execute('echo-pod', { pod: 'x --all' }, { caller: agent, dry_run: true })
    expect(outcome).toMatchObject({
      status: 'dry_run',
      executor: 'subprocess',
      call: { kind: 'argv', argv: ['kubectl', 'delete', 'pod/x --all', '--token=[credential]'] },
    })
  })

  it('says a real run would be held, and creates no approval', async () => {
    airlock = createAirlock({
      actions: await kubernetesActions(),
      policies: [requireApproval()],
      executors: kubeCredentials,
    })
    const outcome = await airlock.execute(
      'scale-deployment',
      { namespace: 'shop', deployment: 'web', replicas: 1 },
      { caller: agent, dry_run: true },
    )
    expect(outcome).toMatchObject({ status: 'dry_run', decision: { decision: 'require_approval' } })
    expect((outcome as { warnings: readonly string[] }).warnings[0]).toContain('held for approval')
    expect((await airlock.approvals.list(agent, { limit: 10 })).items).toHaveLength(0)
    expect((await airlock.audit.list({ status: 'held' }, 10)).items).toHaveLength(0)
  })

  it('answers a denied request with the denial, marked as a dry run', async () => {
    airlock = createAirlock({ actions: await kubernetesActions(), policies: [denyAll()] })
    const outcome = await airlock.execute(
      'scale-deployment',
      { namespace: 'shop', deployment: 'web', replicas: 1 },
      { caller: agent, dry_run: true },
    )
    expect(outcome).toMatchObject({ status: 'denied', code: 'POLICY' })
    const [event] = (await airlock.audit.list({ status: 'denied' }, 1)).items
    expect(event!.context).toMatchObject({ dry_run: true })
  })

  it('warns when no credential provider would answer, naming what is missing', async () => {
    airlock = createAirlock({ actions: await kubernetesActions(), policies: [allowAll()] })
    const outcome = await airlock.execute('cordon-node', { node: 'node-1' }, { caller: agent, dry_run: true })
    expect(outcome).toMatchObject({ status: 'dry_run', credential: null })
    expect((outcome as { warnings: readonly string[] }).warnings.join()).toContain(
      'executors.credentials.kubernetes',
    )
  })
})

describe('POST /actions/{name}/execute?dry_run=true', () => {
  it('answers 200 with the plan and runs nothing', async () => {
    const key = generateApiKey()
    const airlock = createAirlock({ actions: [echo], policies: [allowAll()], executors: kubeCredentials })
    const app = createHttpApp(airlock, {
      auth: apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey(key), actor_id: 'ops' }] }),
    })
    const response = await app.request('/actions/echo-pod/execute?dry_run=true', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { pod: 'api-1' } }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      status: 'dry_run',
      decision: 'allow',
      executor: 'subprocess',
      call: { kind: 'argv', argv: ['kubectl', 'delete', 'pod/api-1', '--token=[credential]'] },
      credential: { type: 'kubernetes', provider: 'env' },
    })
    const bad = await app.request('/actions/echo-pod/execute?dry_run=yes', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { pod: 'api-1' } }),
    })
    expect(bad.status).toBe(400)
    const events = (await airlock.audit.list({}, 10)).items
    expect(events.map((e) => e.status)).toEqual(['dry_run'])
    await airlock.close()
  })
})
