/**
 * The subprocess executor running Debian's real `kubectl` (package
 * kubernetes-client) against the FAKE Kubernetes API on loopback, through
 * the whole pipeline: the kubeconfig reaches kubectl only through the
 * run's credential, every placeholder stays one argument, and the state
 * read with `kubectl get -o json` gives the diff.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseActionYaml } from '../../src/actions/load-actions.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { type FakeKubernetesApi, startFakeKubernetesApi } from '../helpers/fake-kubernetes-api.js'

const KUBECTL = '/usr/bin/kubectl'
const TOKEN = 'kubectl-token-not-in-audit'
const agent = localPrincipal('agent-1')

const scale = parseActionYaml(
  'kubectl-scale.yaml',
  `name: kubectl-scale
version: "1.0.0"
description: Scale a deployment with kubectl
risk_class: medium
target_types: [k8s-deployment]
parameters:
  - name: namespace
    type: string
    required: true
  - name: deployment
    type: string
    required: true
  - name: replicas
    type: integer
    required: true
executor: subprocess
credentials:
  type: kubernetes
state_fields:
  - name: replicas
    type: integer
    description: spec.replicas
prechecks:
  - name: deployment-exists
    description: kubectl get succeeds
subprocess:
  argv: ["${KUBECTL}", "scale", "deployment/{deployment}", "-n", "{namespace}", "--replicas={replicas}"]
  env: [HOME]
  credential_env: { KUBECONFIG: kubeconfig_path }
  state:
    argv: ["${KUBECTL}", "get", "deployment/{deployment}", "-n", "{namespace}", "-o", "json"]
    fields: { replicas: spec.replicas }
  prechecks:
    deployment-exists: ["${KUBECTL}", "get", "deployment/{deployment}", "-n", "{namespace}"]
`,
)

// Never skipped: scripts/ensure-services.sh installs kubernetes-client, and a missing kubectl must fail loudly.
describe('subprocess executor with the real kubectl (fake Kubernetes API)', () => {
  let kube: FakeKubernetesApi
  let dir: string
  beforeEach(async () => {
    kube = await startFakeKubernetesApi()
    kube.put('deployments', { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 2 } })
    dir = await mkdtemp(join(tmpdir(), 'airlock-kubectl-'))
    const path = join(dir, 'kubeconfig')
    await writeFile(path, kube.kubeconfig(TOKEN))
    process.env.AIRLOCK_TEST_KUBECONFIG_PATH = path
  })
  afterEach(async () => {
    await kube.stop()
    await rm(dir, { recursive: true, force: true })
    delete process.env.AIRLOCK_TEST_KUBECONFIG_PATH
  })

  const airlock = () =>
    createAirlock({
      actions: [scale],
      policies: [allowAll()],
      executors: {
        credentials: {
          kubernetes: { provider: 'env', variables: { kubeconfig_path: 'AIRLOCK_TEST_KUBECONFIG_PATH' } },
        },
      },
    })

  it('scales through kubectl with the credential of the run and records the state diff', async () => {
    const gateway = airlock()
    const outcome = await gateway.execute(
      'kubectl-scale',
      { namespace: 'shop', deployment: 'web', replicas: 4 },
      { caller: agent },
    )
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'executed' })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 4 })
    expect(kube.requests.some((r) => r.method === 'PATCH' && r.path.includes('/deployments/web'))).toBe(true)
    // kubectl found the fake only through the kubeconfig the run's credential named (it keeps its
    // bearer token to itself over plain HTTP, so the fake cannot check the token here).
    expect(kube.requests.length).toBeGreaterThan(0)
    const [event] = (await gateway.audit.list({ status: 'executed' }, 1)).items
    expect(event!.context).toMatchObject({
      execution: {
        executor: 'subprocess',
        call: {
          kind: 'argv',
          argv: [KUBECTL, 'scale', 'deployment/web', '-n', 'shop', '--replicas=4'],
        },
        state_before: { replicas: 2 },
        state_after: { replicas: 4 },
      },
    })
    expect(JSON.stringify(event)).not.toContain(TOKEN)
    await gateway.close()
  })

  it('keeps an injection attempt in one argument: kubectl looks for a deployment by that odd name', async () => {
    const gateway = airlock()
    const outcome = await gateway.execute(
      'kubectl-scale',
      { namespace: 'shop', deployment: 'web --all; rm -rf /', replicas: 0 },
      { caller: agent },
    )
    // The precheck asks for a deployment literally named 'web --all; rm -rf /': there is none, so nothing runs.
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'PRECHECK_FAILED' } })
    expect(kube.get('deployments', 'shop', 'web')?.spec).toMatchObject({ replicas: 2 })
    expect(kube.requests.some((r) => r.method === 'PATCH')).toBe(false)
    await gateway.close()
  })
})
