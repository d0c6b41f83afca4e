/**
 * Node actions: cordon, uncordon and drain.
 *
 * @module
 */
import { drainNode as drain, drainablePods, setUnschedulable, unschedulableBody } from './drain-node.js'
import { done, exists, type KubeAction, type KubeCheckFn, type KubeParams } from './kube-action.js'
import type { KubeApis } from './kube-client.js'

const MERGE = 'application/merge-patch+json'

const readNode = (api: KubeApis, p: KubeParams) => api.core.readNode({ name: p.str('node') }, api.options())

const nodeExists: KubeCheckFn = exists(
  'node',
  (p) => p.str('node'),
  async (api, p) => {
    await readNode(api, p)
    return { passed: true, message: `node ${p.str('node')} exists` }
  },
)

const schedulable = async (api: KubeApis, p: KubeParams) => ({
  schedulable: (await readNode(api, p)).spec?.unschedulable !== true,
})

function cordonAction(value: boolean): KubeAction {
  return {
    plan: (p) => ({
      operation: 'CoreV1Api.patchNode',
      args: { name: p.str('node'), body: unschedulableBody(value), content_type: MERGE },
    }),
    async run(api, p) {
      await setUnschedulable(api, p.str('node'), value)
      return done({ node: p.str('node'), schedulable: !value })
    },
    state: schedulable,
    checks: {
      'node-exists': nodeExists,
      async 'capacity-check'(api, p) {
        const nodes = await api.core.listNode({}, api.options())
        const others = nodes.items.filter(
          (n) => n.metadata?.name !== p.str('node') && n.spec?.unschedulable !== true,
        )
        return others.length > 0
          ? { passed: true, message: `${others.length} other schedulable node(s)` }
          : { passed: false, message: 'this is the last schedulable node: new pods will stay pending' }
      },
      async 'node-cordoned'(api, p) {
        const { schedulable: now } = await schedulable(api, p)
        return now
          ? { passed: false, message: `node ${p.str('node')} is already schedulable` }
          : { passed: true, message: `node ${p.str('node')} is cordoned` }
      },
    },
  }
}

export const cordonNode = cordonAction(true)
export const uncordonNode = cordonAction(false)

export const drainNode: KubeAction = {
  plan: (p) => ({
    operation:
      'CoreV1Api.patchNode + CoreV1Api.listPodForAllNamespaces + CoreV1Api.createNamespacedPodEviction',
    args: {
      cordon: { name: p.str('node'), body: unschedulableBody(true), content_type: MERGE },
      list: { fieldSelector: `spec.nodeName=${p.str('node')}` },
      evict: {
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: '<pod>', namespace: '<namespace>' },
        },
        per_pod: true,
        ignore_daemonsets: p.optBool('ignore_daemonsets') ?? true,
        retry_on_429_for_s: p.optInt('timeout') ?? 120,
      },
    },
  }),
  run: (api, p, context) => drain(api, p, context),
  checks: {
    'node-exists': nodeExists,
    async 'workload-check'(api, p) {
      const { evict, blocked } = await drainablePods(
        api,
        p.str('node'),
        p.optBool('ignore_daemonsets') ?? true,
      )
      if (blocked.length > 0) return { passed: false, message: blocked.join('; ') }
      return {
        passed: true,
        message: `${evict.length} pod(s) to evict: ${evict.map((x) => x.id).join(', ') || 'none'}`,
      }
    },
    async 'pdb-check'(api) {
      const pdbs = await api.policy.listPodDisruptionBudgetForAllNamespaces({}, api.options())
      const stuck = pdbs.items.filter((b) => (b.status?.disruptionsAllowed ?? 0) === 0)
      return stuck.length === 0
        ? { passed: true, message: 'every PodDisruptionBudget allows a disruption now' }
        : {
            passed: false,
            message: `PodDisruptionBudgets allowing no disruption now: ${stuck.map((b) => `${b.metadata?.namespace}/${b.metadata?.name}`).join(', ')}`,
          }
    },
  },
}
