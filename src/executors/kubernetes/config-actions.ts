/**
 * ConfigMap and Secret actions.
 *
 * @module
 */
import { done, exists, type KubeAction, type KubeCheckFn, type KubeParams, qualified } from './kube-action.js'
import type { KubeApis } from './kube-client.js'

const MERGE = 'application/merge-patch+json'

const cmRef = (p: KubeParams) => ({ name: p.str('configmap'), namespace: p.str('namespace') })
const readCm = (api: KubeApis, p: KubeParams) => api.core.readNamespacedConfigMap(cmRef(p), api.options())

const configmapExists: KubeCheckFn = exists(
  'ConfigMap',
  (p) => qualified(p.str('namespace'), p.str('configmap')),
  async (api, p) => {
    await readCm(api, p)
    return { passed: true, message: `ConfigMap ${qualified(p.str('namespace'), p.str('configmap'))} exists` }
  },
)

export const getConfigmap: KubeAction = {
  plan: (p) => ({ operation: 'CoreV1Api.readNamespacedConfigMap', args: cmRef(p) }),
  async run(api, p) {
    const cm = await readCm(api, p)
    return done({ name: cm.metadata?.name, namespace: cm.metadata?.namespace, data: cm.data ?? {} })
  },
  checks: { 'configmap-exists': configmapExists },
}

const keyBody = (p: KubeParams) => ({ data: { [p.str('key')]: p.str('value') } })

export const updateConfigmap: KubeAction = {
  plan: (p) => ({
    operation: 'CoreV1Api.patchNamespacedConfigMap',
    args: { ...cmRef(p), body: keyBody(p), content_type: MERGE },
  }),
  async run(api, p) {
    await api.core.patchNamespacedConfigMap({ ...cmRef(p), body: keyBody(p) }, api.options(MERGE))
    return done({ configmap: qualified(p.str('namespace'), p.str('configmap')), key: p.str('key') })
  },
  async state(api, p) {
    const data = (await readCm(api, p)).data ?? {}
    const previous = data[p.str('key')]
    // An absent key stays absent, so a rollback plan warns instead of writing ''.
    return previous === undefined
      ? { keys: Object.keys(data).sort() }
      : { previous_value: previous, keys: Object.keys(data).sort() }
  },
  checks: {
    'configmap-exists': configmapExists,
    async 'dependent-pods'(api, p) {
      const name = p.str('configmap')
      const pods = await api.core.listNamespacedPod({ namespace: p.str('namespace') }, api.options())
      const users = pods.items.filter((pod) => JSON.stringify(pod.spec ?? {}).includes(`"${name}"`))
      return {
        passed: true,
        message:
          users.length === 0
            ? 'no pod references the ConfigMap'
            : `referenced by ${users.map((x) => x.metadata?.name).join(', ')} (they see the change on their next read or restart)`,
      }
    },
  },
}

const secretRef = (p: KubeParams) => ({ name: p.str('secret'), namespace: p.str('namespace') })

export const getSecret: KubeAction = {
  plan: (p) => ({ operation: 'CoreV1Api.readNamespacedSecret', args: secretRef(p) }),
  async run(api, p) {
    const secret = await api.core.readNamespacedSecret(secretRef(p), api.options())
    // Only the shape leaves the executor: values would reach the audit trail.
    return done({
      name: secret.metadata?.name,
      namespace: secret.metadata?.namespace,
      type: secret.type,
      keys: Object.keys(secret.data ?? {}).sort(),
    })
  },
  checks: {
    'secret-exists': exists(
      'Secret',
      (p) => qualified(p.str('namespace'), p.str('secret')),
      async (api, p) => {
        await api.core.readNamespacedSecret(secretRef(p), api.options())
        return { passed: true, message: `Secret ${qualified(p.str('namespace'), p.str('secret'))} exists` }
      },
    ),
  },
}
