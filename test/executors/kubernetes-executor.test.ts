import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ActionDefinition } from '../../src/actions/action-definition.js'
import { loadActions } from '../../src/actions/load-actions.js'
import { shippedCatalogRoot } from '../../src/actions/shipped-catalogs.js'
import type { ExecutionRequest, Executor } from '../../src/executors/executor.js'
import { KUBERNETES_ACTIONS, kubernetesExecutor } from '../../src/executors/kubernetes/index.js'
import { type FakeKubernetesApi, startFakeKubernetesApi } from '../helpers/fake-kubernetes-api.js'
import { seedCluster } from './kubernetes-fixtures.js'

let fake: FakeKubernetesApi
let catalog: Map<string, ActionDefinition>
let executor: Executor

beforeAll(async () => {
  fake = await startFakeKubernetesApi()
  const actions = await loadActions([`${shippedCatalogRoot()}kubernetes`])
  catalog = new Map(actions.map((a) => [a.name, a]))
  executor = kubernetesExecutor({ eviction_retry_ms: 50 })
})
afterAll(async () => {
  await fake.stop()
})
beforeEach(() => {
  resetCluster()
})

function resetCluster(): void {
  fake.clear()
  fake.requests.length = 0
  seedCluster(fake)
}

function request(name: string, params: Record<string, unknown>, timeout_ms = 10_000): ExecutionRequest {
  const action = catalog.get(name)
  if (action === undefined) throw new Error(`no action ${name}`)
  const valid = action.validate(params)
  if (!valid.ok) throw new Error(`bad params for ${name}: ${JSON.stringify(valid.issues)}`)
  return {
    action,
    params: valid.value as Record<string, unknown>,
    target: undefined,
    target_id: null,
    request_id: 'req-1',
    credential: {
      provider: 'env',
      type: 'kubernetes',
      values: { kubeconfig: fake.kubeconfig() },
      revoke: async () => {},
    },
    signal: AbortSignal.timeout(timeout_ms),
    timeout_ms,
  }
}

const dev = { namespace: 'dev' }

describe('kubernetes executor against the fake API server', () => {
  it('maps every action of the shipped catalogue, and only those', () => {
    expect(Object.keys(KUBERNETES_ACTIONS).sort()).toEqual([...catalog.keys()].sort())
    expect(catalog.size).toBe(20)
  })

  it('plans every action as an exact API call without contacting the cluster', () => {
    const samples: Record<string, Record<string, unknown>> = {
      'apply-network-policy': { ...dev, policy_name: 'deny-web', pod_selector: 'app=web' },
      'cordon-node': { node: 'n1' },
      'create-namespace': { namespace: 'new' },
      'delete-namespace': { namespace: 'dev' },
      'delete-pod': { ...dev, pod: 'web-a' },
      'drain-node': { node: 'n1' },
      'exec-pod': { ...dev, pod: 'web-a', command: ['cat', '/etc/hostname'] },
      'get-configmap': { ...dev, configmap: 'settings' },
      'get-pod-logs': { ...dev, pod: 'web-a' },
      'get-secret': { ...dev, secret: 'db' },
      'port-forward': { ...dev, pod: 'web-a', local_port: 8080, remote_port: 80 },
      'restart-deployment': { ...dev, deployment: 'web' },
      'rollout-status': { ...dev, deployment: 'web' },
      'rollout-undo': { ...dev, deployment: 'web' },
      'scale-deployment': { ...dev, deployment: 'web', replicas: 5 },
      'scale-hpa': { ...dev, hpa: 'web', min_replicas: 1, max_replicas: 4 },
      'uncordon-node': { node: 'n1' },
      'update-configmap': { ...dev, configmap: 'settings', key: 'mode', value: 'slow' },
      'update-hpa-limits': { ...dev, hpa: 'web', target_cpu_percent: 60 },
      'update-image': { ...dev, deployment: 'web', container: 'app', image: 'web:3' },
    }
    expect(Object.keys(samples).sort()).toEqual([...catalog.keys()].sort())
    for (const [name, params] of Object.entries(samples)) {
      const planned = executor.plan(request(name, params))
      expect(planned).toMatchObject({ kind: 'api', service: 'kubernetes' })
    }
    expect(fake.requests).toHaveLength(0)
    expect(executor.plan(request('scale-deployment', samples['scale-deployment']!))).toEqual({
      kind: 'api',
      service: 'kubernetes',
      operation: 'AppsV1Api.patchNamespacedDeploymentScale',
      args: {
        name: 'web',
        namespace: 'dev',
        body: { spec: { replicas: 5 } },
        content_type: 'application/merge-patch+json',
      },
    })
  })

  it('scale-deployment: patches the scale subresource and state reads the replicas from the object', async () => {
    const r = request('scale-deployment', { ...dev, deployment: 'web', replicas: 5 })
    expect(await executor.getState(r)).toEqual({ replicas: 3, available_replicas: 3, ready_replicas: 3 })
    expect(await executor.execute(r)).toEqual({ ok: true, output: { replicas: 5 } })
    expect(await executor.getState(r)).toEqual({ replicas: 5, available_replicas: 5, ready_replicas: 5 })
    const patch = fake.requests.find((x) => x.method === 'PATCH')
    expect(patch).toMatchObject({
      path: '/apis/apps/v1/namespaces/dev/deployments/web/scale',
      content_type: 'application/merge-patch+json',
      body: { spec: { replicas: 5 } },
    })
  })

  it('scale-deployment prechecks: deployment-exists blocks on a missing deployment, hpa-check warns', async () => {
    const ok = await executor.prechecks(
      request('scale-deployment', { ...dev, deployment: 'web', replicas: 1 }),
    )
    expect(ok).toEqual([
      expect.objectContaining({ name: 'deployment-exists', passed: true, advisory: false }),
      expect.objectContaining({ name: 'hpa-check', passed: false, advisory: true }),
    ])
    const missing = await executor.prechecks(
      request('scale-deployment', { ...dev, deployment: 'nope', replicas: 1 }),
    )
    expect(missing[0]).toMatchObject({
      name: 'deployment-exists',
      passed: false,
      advisory: false,
      message: 'deployment dev/nope not found',
    })
  })

  it('an API refusal is a failed result naming the status and the server message', async () => {
    const result = await executor.execute(
      request('scale-deployment', { ...dev, deployment: 'nope', replicas: 1 }),
    )
    expect(result).toEqual({
      ok: false,
      error: 'Kubernetes API error 404 (NotFound: deployments "nope" not found)',
    })
  })

  it('restart-deployment: sets the restartedAt template annotation with a strategic merge patch', async () => {
    const r = request('restart-deployment', { ...dev, deployment: 'web' })
    const before = await executor.getState(r)
    const result = await executor.execute(r)
    expect(result.ok).toBe(true)
    const d = fake.get('deployments', 'dev', 'web')!
    expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/)
    expect(d.spec.template.spec.containers).toHaveLength(2)
    expect((await executor.getState(r)).generation).toBe((before.generation as number) + 1)
  })

  it('update-image: changes one container, keeps the other, and captures the previous image', async () => {
    const r = request('update-image', { ...dev, deployment: 'web', container: 'app', image: 'web:3' })
    expect(await executor.getState(r)).toMatchObject({ current_image: 'web:2' })
    expect((await executor.execute(r)).ok).toBe(true)
    const containers = fake.get('deployments', 'dev', 'web')!.spec.template.spec.containers
    expect(containers).toEqual([
      { name: 'app', image: 'web:3' },
      { name: 'sidecar', image: 'envoy:1' },
    ])
    const missing = await executor.prechecks(
      request('update-image', { ...dev, deployment: 'web', container: 'db', image: 'x:1' }),
    )
    expect(missing[1]).toMatchObject({
      name: 'container-exists',
      passed: false,
      message: 'no container db (has: app, sidecar)',
    })
  })

  it('rollout-status: reports a complete rollout', async () => {
    const result = await executor.execute(request('rollout-status', { ...dev, deployment: 'web' }))
    expect(result).toEqual({
      ok: true,
      output: {
        complete: true,
        replicas: 3,
        updated_replicas: 3,
        ready_replicas: 3,
        available_replicas: 3,
        revision: 2,
      },
    })
  })

  it("rollout-undo: restores the previous revision's pod template from its ReplicaSet", async () => {
    const r = request('rollout-undo', { ...dev, deployment: 'web' })
    expect(await executor.getState(r)).toEqual({ revision: 2 })
    expect(await executor.execute(r)).toEqual({ ok: true, output: { rolled_back_to: 1 } })
    const d = fake.get('deployments', 'dev', 'web')!
    expect(d.spec.template.spec.containers[0].image).toBe('web:1')
    expect(d.spec.template.metadata.labels).toEqual({ app: 'web' })
    expect(await executor.getState(r)).toEqual({ revision: 3 })
    const none = await executor.execute(request('rollout-undo', { ...dev, deployment: 'web', revision: 9 }))
    expect(none).toMatchObject({ ok: false, error: expect.stringContaining('has no revision 9') })
  })

  it('cordon-node and uncordon-node flip schedulable, read back from the node', async () => {
    const cordon = request('cordon-node', { node: 'n1' })
    expect(await executor.getState(cordon)).toEqual({ schedulable: true })
    expect((await executor.execute(cordon)).ok).toBe(true)
    expect(await executor.getState(cordon)).toEqual({ schedulable: false })
    const uncordon = request('uncordon-node', { node: 'n1' })
    expect((await executor.prechecks(uncordon))[1]).toMatchObject({ name: 'node-cordoned', passed: true })
    expect((await executor.execute(uncordon)).ok).toBe(true)
    expect(fake.get('nodes', undefined, 'n1')!.spec.unschedulable).toBe(false)
  })

  it('drain-node: retries an eviction refused with 429 and finishes when the budget allows it', async () => {
    fake.get('poddisruptionbudgets', 'dev', 'web')!.status.disruptionsAllowed = 5
    fake.refuseEvictions(2)
    const result = await executor.execute(request('drain-node', { node: 'n1', timeout: 30 }))
    expect(result).toEqual({
      ok: true,
      output: { node: 'n1', cordoned: true, evicted: ['dev/web-a', 'dev/web-b'] },
    })
    expect(fake.get('nodes', undefined, 'n1')!.spec.unschedulable).toBe(true)
    expect(fake.get('pods', 'kube-system', 'agent')).toBeDefined()
    const evictions = fake.requests.filter((x) => x.path.endsWith('/eviction'))
    expect(evictions).toHaveLength(4)
    expect(evictions[0]!.body).toMatchObject({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-a' },
    })
  })

  it('drain-node: fails clearly when a PodDisruptionBudget keeps refusing within the time budget', async () => {
    // A 1 s budget for the retries; the signal itself stays unaborted so the drain ends on its own deadline.
    const r = {
      ...request('drain-node', { node: 'n1', timeout: 30 }, 1_000),
      signal: new AbortController().signal,
    }
    const result = await executor.execute(r)
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringContaining('a PodDisruptionBudget kept refusing the eviction (429) of dev/web-b'),
      output: { evicted: ['dev/web-a'], not_evicted: ['dev/web-b'] },
    })
    expect(fake.get('pods', 'dev', 'web-b')).toBeDefined()
  })

  it('drain-node: refuses to start with DaemonSet pods unless told to ignore them', async () => {
    const result = await executor.execute(request('drain-node', { node: 'n1', ignore_daemonsets: false }))
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringContaining('DaemonSet pods on the node (kube-system/agent)'),
    })
    expect(fake.get('nodes', undefined, 'n1')!.spec.unschedulable).toBeUndefined()
  })

  it('create-namespace and delete-namespace; system namespaces are never deleted', async () => {
    expect((await executor.execute(request('create-namespace', { namespace: 'new' }))).ok).toBe(true)
    expect(fake.get('namespaces', undefined, 'new')).toBeDefined()
    expect((await executor.prechecks(request('create-namespace', { namespace: 'new' })))[0]).toMatchObject({
      passed: false,
    })
    const del = request('delete-namespace', { namespace: 'dev' })
    const checks = await executor.prechecks(del)
    expect(checks.map((c) => [c.name, c.passed])).toEqual([
      ['namespace-exists', true],
      ['not-system-namespace', true],
      ['resource-inventory', true],
    ])
    expect(checks[2]!.message).toBe('will destroy 3 pod(s), 1 deployment(s), 0 service(s), 1 config map(s)')
    expect((await executor.execute(del)).ok).toBe(true)
    expect(fake.get('namespaces', undefined, 'dev')).toBeUndefined()
    const system = await executor.execute(request('delete-namespace', { namespace: 'kube-system' }))
    expect(system).toMatchObject({ ok: false, error: expect.stringContaining('system namespace') })
    expect(fake.get('namespaces', undefined, 'kube-system')).toBeDefined()
  })

  it('apply-network-policy: creates a deny-ingress policy, then replaces it', async () => {
    const r = request('apply-network-policy', { ...dev, policy_name: 'isolate-web', pod_selector: 'app=web' })
    expect((await executor.prechecks(r))[1]!.message).toBe('isolates 2 pod(s): web-a, web-b')
    expect(await executor.execute(r)).toEqual({
      ok: true,
      output: { network_policy: 'dev/isolate-web', created: true },
    })
    expect(fake.get('networkpolicies', 'dev', 'isolate-web')!.spec).toEqual({
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [],
    })
    expect(await executor.execute(r)).toEqual({
      ok: true,
      output: { network_policy: 'dev/isolate-web', created: false },
    })
  })

  it('delete-pod: deletes with the grace period; has-controller warns for a bare pod', async () => {
    const bare = await executor.prechecks(request('delete-pod', { ...dev, pod: 'lonely' }))
    expect(bare[1]).toMatchObject({ name: 'has-controller', passed: false, advisory: true })
    expect(
      (await executor.execute(request('delete-pod', { ...dev, pod: 'web-a', grace_period: 5 }))).ok,
    ).toBe(true)
    expect(fake.get('pods', 'dev', 'web-a')).toBeUndefined()
    expect(fake.requests.find((x) => x.method === 'DELETE')!.query.get('gracePeriodSeconds')).toBe('5')
  })

  it('get-pod-logs: honours tail_lines and container', async () => {
    const result = await executor.execute(
      request('get-pod-logs', { ...dev, pod: 'web-a', container: 'app', tail_lines: 2 }),
    )
    expect(result).toEqual({
      ok: true,
      output: { pod: 'dev/web-a', log: 'line 2\nline 3\n', truncated: false },
    })
    const call = fake.requests.find((x) => x.path.endsWith('/log'))!
    expect(call.query.get('container')).toBe('app')
    expect(call.query.get('tailLines')).toBe('2')
  })

  it('get-configmap and update-configmap, with the previous value captured for rollback', async () => {
    expect(await executor.execute(request('get-configmap', { ...dev, configmap: 'settings' }))).toEqual({
      ok: true,
      output: { name: 'settings', namespace: 'dev', data: { mode: 'fast', level: '3' } },
    })
    const r = request('update-configmap', { ...dev, configmap: 'settings', key: 'mode', value: 'slow' })
    expect(await executor.getState(r)).toEqual({ previous_value: 'fast', keys: ['level', 'mode'] })
    expect((await executor.prechecks(r))[1]!.message).toContain('referenced by web-a')
    expect((await executor.execute(r)).ok).toBe(true)
    expect(fake.get('configmaps', 'dev', 'settings')!.data).toEqual({ mode: 'slow', level: '3' })
  })

  it('get-secret: returns the type and key names, never the values', async () => {
    const result = await executor.execute(request('get-secret', { ...dev, secret: 'db' }))
    expect(result).toEqual({
      ok: true,
      output: { name: 'db', namespace: 'dev', type: 'Opaque', keys: ['password'] },
    })
    expect(JSON.stringify(result)).not.toContain('c3VwZXJzZWNyZXQ=')
  })

  it('scale-hpa and update-hpa-limits: bounds and utilisation targets, other metrics kept', async () => {
    const scale = request('scale-hpa', { ...dev, hpa: 'web', min_replicas: 3, max_replicas: 6 })
    expect(await executor.getState(scale)).toEqual({ min_replicas: 2, max_replicas: 10 })
    expect((await executor.execute(scale)).ok).toBe(true)
    expect(await executor.getState(scale)).toEqual({ min_replicas: 3, max_replicas: 6 })
    const bad = await executor.prechecks(
      request('scale-hpa', { ...dev, hpa: 'web', min_replicas: 7, max_replicas: 6 }),
    )
    expect(bad[1]).toMatchObject({ name: 'min-max-valid', passed: false })

    const limits = request('update-hpa-limits', {
      ...dev,
      hpa: 'web',
      target_cpu_percent: 60,
      target_memory_percent: 70,
    })
    expect(await executor.getState(limits)).toEqual({ target_cpu_percent: 80 })
    expect((await executor.execute(limits)).ok).toBe(true)
    expect(await executor.getState(limits)).toEqual({ target_cpu_percent: 60, target_memory_percent: 70 })
    const metrics = fake.get('horizontalpodautoscalers', 'dev', 'web')!.spec.metrics
    expect(metrics.map((m: { type: string }) => m.type)).toEqual(['Pods', 'Resource', 'Resource'])
  })

  it('port-forward: checks the pod, then refuses with an explanation', async () => {
    const r = request('port-forward', { ...dev, pod: 'web-a', local_port: 8080, remote_port: 80 })
    expect((await executor.prechecks(r))[0]).toMatchObject({ name: 'pod-running', passed: true })
    expect(await executor.execute(r)).toMatchObject({
      ok: false,
      error: expect.stringContaining('interactive tunnel'),
    })
  })

  it('uses the kubeconfig of the options when the run carries no credential', async () => {
    const own = kubernetesExecutor({ kubeconfig: fake.kubeconfig('options-token') })
    const r = { ...request('rollout-status', { ...dev, deployment: 'web' }), credential: undefined }
    expect((await own.execute(r)).ok).toBe(true)
  })

  it("refuses a run whose credential has no way to reach the cluster, instead of using the executor's own", async () => {
    const own = kubernetesExecutor({ kubeconfig: fake.kubeconfig('options-token') })
    const base = request('rollout-status', { ...dev, deployment: 'web' })
    // A token without the server it is for (a secret stored without it): not the gateway's rights instead.
    const credential = { ...base.credential!, values: { token: 'narrow-token' } }
    await expect(own.execute({ ...base, credential })).rejects.toMatchObject({
      code: 'CREDENTIAL_UNAVAILABLE',
      message: expect.stringContaining("has neither 'kubeconfig' nor 'token' with 'server' (it has token)"),
    })
  })
})
