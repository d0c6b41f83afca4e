/**
 * Every action of the shipped catalogues through the pipeline in dry-run
 * mode (the exact request each would send, kept in a snapshot), and a
 * cross-check of the catalogues against the executors and the rollback
 * planner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActionDefinition } from '../../src/actions/action-definition.js'
import { loadActions } from '../../src/actions/load-actions.js'
import { resolveShippedCatalog } from '../../src/actions/shipped-catalogs.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import type { AuditEvent } from '../../src/audit/audit-event.js'
import { AWS_ACTIONS } from '../../src/executors/aws/index.js'
import { executionSpecOf } from '../../src/executors/execution-spec.js'
import { KUBERNETES_ACTIONS } from '../../src/executors/kubernetes/index.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { planRollback } from '../../src/pipeline/rollback/rollback-plan.js'
import { allowAll } from '../../src/policy/rules/index.js'

const dev = { namespace: 'dev' }
const ec2 = { instance_id: 'i-0123456789abcdef0', region: 'eu-west-1' }
const ecs = { cluster: 'prod', service: 'web', region: 'eu-west-1' }
const role = {
  role_name: 'app-role',
  policy_arn: 'arn:aws:iam::123456789012:policy/read-only',
  region: 'us-east-1',
}

/** Valid parameters for each of the 33 shipped actions. */
const SAMPLES: Record<string, Record<string, unknown>> = {
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
  'rollout-undo': { ...dev, deployment: 'web', revision: 1 },
  'scale-deployment': { ...dev, deployment: 'web', replicas: 5 },
  'scale-hpa': { ...dev, hpa: 'web', min_replicas: 1, max_replicas: 4 },
  'uncordon-node': { node: 'n1' },
  'update-configmap': { ...dev, configmap: 'settings', key: 'mode', value: 'slow' },
  'update-hpa-limits': { ...dev, hpa: 'web', target_cpu_percent: 60, target_memory_percent: 70 },
  'update-image': { ...dev, deployment: 'web', container: 'app', image: 'web:3' },
  'ec2-reboot-instance': ec2,
  'ec2-start-instance': ec2,
  'ec2-stop-instance': ec2,
  'ec2-terminate-instance': ec2,
  'ecs-scale-service': { ...ecs, desired_count: 4 },
  'ecs-stop-task': {
    cluster: 'prod',
    task: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc',
    region: 'eu-west-1',
  },
  'ecs-update-service': { ...ecs, desired_count: 2, force_new_deployment: true },
  'iam-attach-role-policy': role,
  'iam-detach-role-policy': role,
  'lambda-invoke-function': { function_name: 'resize', region: 'eu-west-1', payload: '{"w":10}' },
  'lambda-update-function-config': {
    function_name: 'resize',
    region: 'eu-west-1',
    memory_size: 512,
    timeout: 30,
  },
  's3-delete-object': { bucket: 'logs', key: 'old/2024.txt', region: 'eu-west-1' },
  's3-put-bucket-policy': {
    bucket: 'logs',
    policy: '{"Version":"2012-10-17","Statement":[]}',
    region: 'eu-west-1',
  },
}

let actions: ActionDefinition[]
let airlock: Airlock

beforeAll(async () => {
  const dirs = ['kubernetes', 'aws'].map((name) => {
    const found = resolveShippedCatalog(name)
    if (!found.ok) throw new Error(found.message)
    return found.dir
  })
  actions = (await loadActions(dirs)) as ActionDefinition[]
  airlock = createAirlock({
    actions,
    policies: [allowAll()],
    executors: {
      credentials: {
        kubernetes: { provider: 'env', variables: { kubeconfig: 'KUBECONFIG_CONTENT' } },
        aws: {
          provider: 'env',
          variables: { access_key_id: 'AWS_ACCESS_KEY_ID', secret_access_key: 'AWS_SECRET_ACCESS_KEY' },
        },
      },
    },
  })
})
afterAll(async () => {
  await airlock.close()
})

describe('shipped catalogues through dry run', () => {
  it('has a sample for each of the 33 actions', () => {
    expect(actions).toHaveLength(33)
    expect(Object.keys(SAMPLES).sort()).toEqual(actions.map((a) => a.name).sort())
  })

  it('plans every action as its exact API call, with no warning, and records each as a dry run', async () => {
    const calls: Record<string, unknown> = {}
    for (const action of actions) {
      const outcome = await airlock.execute(action.name, SAMPLES[action.name]!, {
        caller: localPrincipal('agent-1'),
        dry_run: true,
      })
      expect(outcome, `${action.name}: ${JSON.stringify(outcome)}`).toMatchObject({
        status: 'dry_run',
        executor: executionSpecOf(action.meta)?.executor,
        warnings: [],
        call: { kind: 'api' },
      })
      if (outcome.status !== 'dry_run') throw new Error('not planned')
      calls[action.name] = outcome.call
    }
    expect(calls).toMatchSnapshot()
    const recorded = (await airlock.audit.list({ status: 'dry_run' }, 100)).items
    expect(recorded.length).toBeGreaterThanOrEqual(33)
  })
})

describe('catalogue cross-check', () => {
  it('every action names an executor that maps it', () => {
    for (const action of actions) {
      const executor = executionSpecOf(action.meta)?.executor
      const table: Record<string, unknown> = executor === 'kubernetes' ? KUBERNETES_ACTIONS : AWS_ACTIONS
      expect(table, `${action.name} (${executor})`).toHaveProperty([action.name])
    }
    expect(Object.keys(KUBERNETES_ACTIONS)).toHaveLength(20)
    expect(Object.keys(AWS_ACTIONS)).toHaveLength(13)
  })

  it('every rollback mapping yields a runnable undo with valid inputs', () => {
    const byName = new Map(actions.map((a) => [a.name, a]))
    const reversible = actions.filter((a) => typeof a.meta.rollback_action === 'string')
    expect(reversible.length).toBeGreaterThan(10)
    for (const action of reversible) {
      const undo = action.meta.rollback_action as string
      const mapping = action.meta.rollback_params as Record<string, { source: string }>
      // The state before holds, for each mapped field, a value the undo action accepts.
      const state_before: Record<string, unknown> = {}
      for (const [param, { source }] of Object.entries(mapping)) {
        if (source.startsWith('before_state.')) state_before[source.slice(13)] = SAMPLES[undo]![param]
      }
      const event = {
        id: 'evt-0123456789abcdef01234567',
        status: 'executed',
        action: action.name,
        target: null,
        context: { execution: { state_before } },
      } as unknown as AuditEvent
      const plan = planRollback({ event, params: SAMPLES[action.name]! }, (name) => byName.get(name))
      expect(plan, action.name).toMatchObject({ rollback_action: undo, runnable: true, warnings: [] })
    }
  })
})
