import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadActions } from '../../src/actions/load-actions.js'
import { resolveShippedCatalog } from '../../src/actions/shipped-catalogs.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { type FakeKubernetesApi, startFakeKubernetesApi } from '../helpers/fake-kubernetes-api.js'

const agent = localPrincipal('agent-1')
const TOKEN = 'kube-token-do-not-record'

describe('kubernetes executor through the pipeline (fake Kubernetes API)', () => {
  let kube: FakeKubernetesApi
  beforeEach(async () => {
    kube = await startFakeKubernetesApi()
    kube.put('deployments', { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 2 } })
    process.env.AIRLOCK_TEST_KUBECONFIG = kube.kubeconfig(TOKEN)
  })
  afterEach(async () => {
    await kube.stop()
    delete process.env.AIRLOCK_TEST_KUBECONFIG
  })

  it('scales a deployment from the shipped catalogue and records one executed event with the state diff', async () => {
    const catalog = resolveShippedCatalog('kubernetes')
    if (!catalog.ok) throw new Error(catalog.message)
    const actions = await loadActions([catalog.dir])
    const airlock = createAirlock({
      actions,
      policies: [allowAll()],
      executors: {
        credentials: {
          kubernetes: {
            provider: 'env',
            variables: { kubeconfig: 'AIRLOCK_TEST_KUBECONFIG' },
          },
        },
      },
    })
    const outcome = await airlock.execute(
      'scale-deployment',
      { namespace: 'shop', deployment: 'web', replicas: 5 },
      { caller: agent },
    )
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'executed' })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 5 })
    expect(kube.requests.length).toBeGreaterThan(0)
    expect(kube.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true)
    const events = (await airlock.audit.list({ status: 'executed' }, 10)).items
    expect(events).toHaveLength(1)
    const execution = (events[0]!.context as { execution: Record<string, unknown> }).execution
    expect(execution).toMatchObject({
      executor: 'kubernetes',
      state_before: { replicas: 2 },
      state_after: { replicas: 5 },
    })
    expect(JSON.stringify(execution.diff)).toContain('replicas')
    expect(JSON.stringify(events)).not.toContain(TOKEN)
    await airlock.close()
  })
})
