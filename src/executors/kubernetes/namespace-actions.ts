/**
 * Namespace actions: create, delete, and isolate pods with a NetworkPolicy.
 *
 * @module
 */
import type { V1NetworkPolicy } from '@kubernetes/client-node'
import {
  done,
  exists,
  type KubeAction,
  type KubeCheckFn,
  type KubeParams,
  refused,
  statusOf,
} from './kube-action.js'

/** Namespaces the cluster itself needs; deleting one breaks it. */
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease'])

const namespaceExists: KubeCheckFn = exists(
  'namespace',
  (p) => p.str('namespace'),
  async (api, p) => {
    await api.core.readNamespace({ name: p.str('namespace') }, api.options())
    return { passed: true, message: `namespace ${p.str('namespace')} exists` }
  },
)

const namespaceBody = (p: KubeParams) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: p.str('namespace') },
})

export const createNamespace: KubeAction = {
  plan: (p) => ({ operation: 'CoreV1Api.createNamespace', args: { body: namespaceBody(p) } }),
  async run(api, p) {
    const ns = await api.core.createNamespace({ body: namespaceBody(p) }, api.options())
    return done({ namespace: ns.metadata?.name ?? p.str('namespace') })
  },
  checks: {
    async 'namespace-not-exists'(api, p) {
      try {
        await api.core.readNamespace({ name: p.str('namespace') }, api.options())
        return { passed: false, message: `namespace ${p.str('namespace')} already exists` }
      } catch (error) {
        if (statusOf(error) === 404)
          return { passed: true, message: `namespace ${p.str('namespace')} is free` }
        throw error
      }
    },
  },
}

export const deleteNamespace: KubeAction = {
  plan: (p) => ({ operation: 'CoreV1Api.deleteNamespace', args: { name: p.str('namespace') } }),
  async run(api, p) {
    // Enforced here as well as in the precheck: a catalogue edit must not make this possible.
    if (SYSTEM_NAMESPACES.has(p.str('namespace'))) {
      return refused(`namespace ${p.str('namespace')} is a system namespace and is never deleted`)
    }
    await api.core.deleteNamespace({ name: p.str('namespace') }, api.options())
    return done({ namespace: p.str('namespace'), deleting: true })
  },
  checks: {
    'namespace-exists': namespaceExists,
    async 'not-system-namespace'(_api, p) {
      return SYSTEM_NAMESPACES.has(p.str('namespace'))
        ? { passed: false, message: `namespace ${p.str('namespace')} is a system namespace` }
        : { passed: true, message: `namespace ${p.str('namespace')} is not a system namespace` }
    },
    async 'resource-inventory'(api, p) {
      const namespace = p.str('namespace')
      const [pods, deployments, services, configmaps] = await Promise.all([
        api.core.listNamespacedPod({ namespace }, api.options()),
        api.apps.listNamespacedDeployment({ namespace }, api.options()),
        api.core.listNamespacedService({ namespace }, api.options()),
        api.core.listNamespacedConfigMap({ namespace }, api.options()),
      ])
      const count = (kind: string, items: readonly unknown[]) => `${items.length} ${kind}`
      const summary = [
        count('pod(s)', pods.items),
        count('deployment(s)', deployments.items),
        count('service(s)', services.items),
        count('config map(s)', configmaps.items),
      ].join(', ')
      return { passed: true, message: `will destroy ${summary}` }
    },
  },
}

/** `app=web,tier=front` → `{ app: 'web', tier: 'front' }` (the catalogue pattern guarantees the shape). */
function matchLabels(selector: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const pair of selector.split(',')) {
    const at = pair.indexOf('=')
    labels[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return labels
}

function policyBody(p: KubeParams): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: p.str('policy_name'),
      namespace: p.str('namespace'),
      labels: { 'app.kubernetes.io/managed-by': 'airlock' },
    },
    // Ingress listed with no rules: nothing may reach the selected pods.
    spec: {
      podSelector: { matchLabels: matchLabels(p.str('pod_selector')) },
      policyTypes: ['Ingress'],
      ingress: [],
    },
  }
}

export const applyNetworkPolicy: KubeAction = {
  plan: (p) => ({
    operation:
      'NetworkingV1Api.createNamespacedNetworkPolicy (replaceNamespacedNetworkPolicy when it exists)',
    args: { namespace: p.str('namespace'), body: policyBody(p) },
  }),
  async run(api, p) {
    const namespace = p.str('namespace')
    const name = p.str('policy_name')
    try {
      await api.networking.createNamespacedNetworkPolicy({ namespace, body: policyBody(p) }, api.options())
      return done({ network_policy: `${namespace}/${name}`, created: true })
    } catch (error) {
      if (statusOf(error) !== 409) throw error
    }
    const current = await api.networking.readNamespacedNetworkPolicy({ name, namespace }, api.options())
    const body = policyBody(p)
    body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion ?? '' }
    await api.networking.replaceNamespacedNetworkPolicy({ name, namespace, body }, api.options())
    return done({ network_policy: `${namespace}/${name}`, created: false })
  },
  checks: {
    'namespace-exists': namespaceExists,
    async 'affected-pods'(api, p) {
      const pods = await api.core.listNamespacedPod(
        { namespace: p.str('namespace'), labelSelector: p.str('pod_selector') },
        api.options(),
      )
      const names = pods.items.map((x) => x.metadata?.name)
      return names.length > 0
        ? { passed: true, message: `isolates ${names.length} pod(s): ${names.join(', ')}` }
        : { passed: false, message: 'the selector matches no pod now' }
    },
  },
}
