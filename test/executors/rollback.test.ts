import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadActions } from '../../src/actions/load-actions.js'
import { resolveShippedCatalog } from '../../src/actions/shipped-catalogs.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { createHttpApp } from '../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import { localPrincipal } from '../../src/identity/principal.js'
import type { PolicyRule } from '../../src/policy/policy-rule.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { type FakeKubernetesApi, startFakeKubernetesApi } from '../helpers/fake-kubernetes-api.js'

const agent = localPrincipal('agent-1')
const approver = localPrincipal('lead', { roles: ['approver'] })

/** Scaling below three replicas needs a human: the rollback of a scale-up does. */
const scaleDownNeedsApproval: PolicyRule = {
  name: 'scale-down-needs-approval',
  priority: 10,
  actions: { kind: 'names', names: ['scale-deployment'] },
  evaluate: (request) =>
    (request.args.replicas as number) < 3
      ? { decision: 'require_approval', reason: 'scaling down', rule: 'scale-down-needs-approval' }
      : null,
}

async function kubernetesActions() {
  const catalog = resolveShippedCatalog('kubernetes')
  if (!catalog.ok) throw new Error(catalog.message)
  return loadActions([catalog.dir])
}

describe('rollback of a scale through the pipeline (fake Kubernetes API)', () => {
  let kube: FakeKubernetesApi
  let airlock: Airlock
  beforeEach(async () => {
    kube = await startFakeKubernetesApi()
    kube.put('deployments', { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 2 } })
    process.env.AIRLOCK_TEST_ROLLBACK_KUBECONFIG = kube.kubeconfig('rollback-token')
  })
  afterEach(async () => {
    await airlock?.close()
    await kube.stop()
    delete process.env.AIRLOCK_TEST_ROLLBACK_KUBECONFIG
  })

  async function make(policies: PolicyRule[]) {
    airlock = createAirlock({
      actions: await kubernetesActions(),
      policies,
      approvals: { approver_roles: ['approver'] },
      executors: {
        credentials: {
          kubernetes: { provider: 'env', variables: { kubeconfig: 'AIRLOCK_TEST_ROLLBACK_KUBECONFIG' } },
        },
      },
    })
    const scaled = await airlock.execute(
      'scale-deployment',
      { namespace: 'shop', deployment: 'web', replicas: 5 },
      { caller: agent },
    )
    expect(scaled, JSON.stringify(scaled)).toMatchObject({ status: 'executed' })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 5 })
    return scaled.audit_id
  }

  it('plans the undo from the recorded params and state before, and restores the replicas', async () => {
    const audit_id = await make([allowAll()])
    const plan = await airlock.rollback.plan(audit_id, agent)
    expect(plan).toEqual({
      audit_id,
      action: 'scale-deployment',
      rollback_action: 'scale-deployment',
      target: null,
      params: { namespace: 'shop', deployment: 'web', replicas: 2 },
      sources: {
        namespace: 'params.namespace',
        deployment: 'params.deployment',
        replicas: 'before_state.replicas',
      },
      warnings: [],
      runnable: true,
    })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 5 })

    const { outcome } = await airlock.rollback.run(audit_id, agent)
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'executed' })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 2 })
    const [event] = (await airlock.audit.list({ status: 'executed' }, 1)).items
    expect(event).toMatchObject({ idempotency_key: `rollback-of-${audit_id}`, actor: 'agent-1' })
    expect(event!.context).toMatchObject({
      execution: { state_before: { replicas: 5 }, state_after: { replicas: 2 } },
    })

    // Undoing the same run again replays the first undo instead of scaling again.
    kube.put('deployments', { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 9 } })
    const again = await airlock.rollback.run(audit_id, agent)
    expect(again.outcome).toMatchObject({ status: 'executed', replayed: true })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 9 })
  })

  it('holds the undo for approval when policy says so, and runs it once approved', async () => {
    const audit_id = await make([scaleDownNeedsApproval, allowAll()])
    const { outcome } = await airlock.rollback.run(audit_id, agent)
    expect(outcome).toMatchObject({ status: 'pending_approval' })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 5 })
    if (outcome.status !== 'pending_approval') throw new Error('not held')
    const decided = await airlock.approvals.approve(outcome.approval_id, { approver })
    expect(decided, JSON.stringify(decided)).toMatchObject({
      status: 'decided',
      outcome: { status: 'executed' },
    })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 2 })
    const held = (await airlock.audit.list({ status: 'held' }, 5)).items
    expect(held).toHaveLength(1)
    expect(held[0]).toMatchObject({
      idempotency_key: `rollback-of-${audit_id}`,
      rule: 'scale-down-needs-approval',
    })
  })

  it('refuses to undo what did not execute or cannot be undone', async () => {
    const audit_id = await make([allowAll()])
    const [started] = (await airlock.audit.list({ status: 'started' }, 1)).items
    await expect(airlock.rollback.plan(started!.id, agent)).rejects.toMatchObject({
      code: 'ROLLBACK_UNAVAILABLE',
    })
    await expect(
      airlock.rollback.plan(audit_id, localPrincipal('x', { tenant_id: 'other' })),
    ).rejects.toMatchObject({ code: 'EVIDENCE_NOT_FOUND' })
    kube.put('configmaps', { metadata: { namespace: 'shop', name: 'cfg' }, data: { a: '1' } })
    const read = await airlock.execute(
      'get-configmap',
      { namespace: 'shop', configmap: 'cfg' },
      { caller: agent },
    )
    expect(read, JSON.stringify(read)).toMatchObject({ status: 'executed' })
    await expect(airlock.rollback.plan(read.audit_id, agent)).rejects.toMatchObject({
      code: 'ROLLBACK_UNAVAILABLE',
      message: expect.stringContaining('not reversible'),
    })
  })

  it('GET /audit/{id} and POST /audit/{id}/rollback (?dry_run=true plans only)', async () => {
    const audit_id = await make([allowAll()])
    const key = generateApiKey()
    const app = createHttpApp(airlock, {
      auth: apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey(key), actor_id: 'agent-1' }] }),
    })
    const headers = { authorization: `Bearer ${key}` }
    const event = await app.request(`/audit/${audit_id}`, { headers })
    expect(event.status).toBe(200)
    expect(await event.json()).toMatchObject({ id: audit_id, status: 'executed' })
    // `/audit/verify` stays its own route (auditors only), never read as an event id.
    expect((await app.request('/audit/verify', { headers })).status).toBe(403)
    expect((await app.request('/audit/evt-000000000000000000000000', { headers })).status).toBe(404)

    const planned = await app.request(`/audit/${audit_id}/rollback?dry_run=true`, { method: 'POST', headers })
    expect(planned.status).toBe(200)
    expect(await planned.json()).toMatchObject({
      rollback_action: 'scale-deployment',
      params: { replicas: 2 },
    })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 5 })

    const ran = await app.request(`/audit/${audit_id}/rollback`, { method: 'POST', headers })
    expect(ran.status).toBe(200)
    expect(await ran.json()).toMatchObject({ status: 'executed', plan: { params: { replicas: 2 } } })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 2 })
  })
})
