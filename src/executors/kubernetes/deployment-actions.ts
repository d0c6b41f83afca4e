/**
 * Deployment actions: scale, restart, set image, rollout status and undo.
 *
 * @module
 */
import type { V1Deployment } from '@kubernetes/client-node'
import { done, exists, type KubeAction, type KubeParams, qualified, refused } from './kube-action.js'
import type { KubeApis } from './kube-client.js'
import { previousTemplate, revisionOf } from './rollout-history.js'

const MERGE = 'application/merge-patch+json'
const STRATEGIC = 'application/strategic-merge-patch+json'

const ref = (p: KubeParams) => ({ name: p.str('deployment'), namespace: p.str('namespace') })
const read = (api: KubeApis, p: KubeParams): Promise<V1Deployment> =>
  api.apps.readNamespacedDeployment(ref(p), api.options())

const deploymentExists = exists(
  'deployment',
  (p) => qualified(p.str('namespace'), p.str('deployment')),
  async (api, p) => {
    const d = await read(api, p)
    return { passed: true, message: `deployment ${d.metadata?.namespace}/${d.metadata?.name} exists` }
  },
)

function replicasOf(d: V1Deployment) {
  return {
    replicas: d.spec?.replicas ?? 0,
    available_replicas: d.status?.availableReplicas ?? 0,
    ready_replicas: d.status?.readyReplicas ?? 0,
  }
}

const scaleBody = (p: KubeParams) => ({ spec: { replicas: p.int('replicas') } })

export const scaleDeployment: KubeAction = {
  plan: (p) => ({
    operation: 'AppsV1Api.patchNamespacedDeploymentScale',
    args: { ...ref(p), body: scaleBody(p), content_type: MERGE },
  }),
  async run(api, p) {
    const scale = await api.apps.patchNamespacedDeploymentScale(
      { ...ref(p), body: scaleBody(p) },
      api.options(MERGE),
    )
    return done({ replicas: scale.spec?.replicas ?? null })
  },
  state: async (api, p) => replicasOf(await read(api, p)),
  checks: {
    'deployment-exists': deploymentExists,
    async 'hpa-check'(api, p) {
      const list = await api.autoscaling.listNamespacedHorizontalPodAutoscaler(
        { namespace: p.str('namespace') },
        api.options(),
      )
      const hpa = list.items.find(
        (h) =>
          h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === p.str('deployment'),
      )
      return hpa === undefined
        ? { passed: true, message: 'no HorizontalPodAutoscaler targets the deployment' }
        : {
            passed: false,
            message: `HorizontalPodAutoscaler ${hpa.metadata?.name} targets the deployment and may undo the scale`,
          }
    },
  },
}

/** The annotation `kubectl rollout restart` sets; a changed template rolls every pod. */
const restartBody = (at: string) => ({
  spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } },
})

export const restartDeployment: KubeAction = {
  plan: (p) => ({
    operation: 'AppsV1Api.patchNamespacedDeployment',
    args: { ...ref(p), body: restartBody('<now, ISO 8601>'), content_type: STRATEGIC },
  }),
  async run(api, p) {
    const at = new Date().toISOString()
    const d = await api.apps.patchNamespacedDeployment(
      { ...ref(p), body: restartBody(at) },
      api.options(STRATEGIC),
    )
    return done({ restarted_at: at, generation: d.metadata?.generation ?? null })
  },
  async state(api, p) {
    const d = await read(api, p)
    return {
      generation: d.metadata?.generation ?? 0,
      observed_generation: d.status?.observedGeneration ?? 0,
      available_replicas: d.status?.availableReplicas ?? 0,
    }
  },
  checks: {
    'deployment-exists': deploymentExists,
    async 'minimum-replicas'(api, p) {
      const replicas = (await read(api, p)).spec?.replicas ?? 0
      return replicas >= 2
        ? { passed: true, message: `${replicas} replicas: the restart rolls without downtime` }
        : { passed: false, message: `only ${replicas} replica(s): the restart means downtime` }
    },
  },
}

const imageBody = (p: KubeParams) => ({
  spec: { template: { spec: { containers: [{ name: p.str('container'), image: p.str('image') }] } } },
})

export const updateImage: KubeAction = {
  plan: (p) => ({
    operation: 'AppsV1Api.patchNamespacedDeployment',
    args: { ...ref(p), body: imageBody(p), content_type: STRATEGIC },
  }),
  async run(api, p) {
    // Containers merge by name under a strategic merge patch: the others stay untouched.
    const d = await api.apps.patchNamespacedDeployment(
      { ...ref(p), body: imageBody(p) },
      api.options(STRATEGIC),
    )
    return done({ image: p.str('image'), generation: d.metadata?.generation ?? null })
  },
  async state(api, p) {
    const d = await read(api, p)
    const container = d.spec?.template.spec?.containers.find((c) => c.name === p.str('container'))
    return { current_image: container?.image ?? null, generation: d.metadata?.generation ?? 0 }
  },
  checks: {
    'deployment-exists': deploymentExists,
    async 'container-exists'(api, p) {
      const names = (await read(api, p)).spec?.template.spec?.containers.map((c) => c.name) ?? []
      return names.includes(p.str('container'))
        ? { passed: true, message: `container ${p.str('container')} found` }
        : {
            passed: false,
            message: `no container ${p.str('container')} (has: ${names.join(', ') || 'none'})`,
          }
    },
  },
}

function rolloutStatus(d: V1Deployment) {
  const want = d.spec?.replicas ?? 0
  const s = d.status ?? {}
  const complete =
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want
  return {
    complete,
    replicas: want,
    updated_replicas: s.updatedReplicas ?? 0,
    ready_replicas: s.readyReplicas ?? 0,
    available_replicas: s.availableReplicas ?? 0,
    revision: revisionOf(d),
  }
}

export const rolloutStatusAction: KubeAction = {
  plan: (p) => ({ operation: 'AppsV1Api.readNamespacedDeployment', args: ref(p) }),
  run: async (api, p) => done(rolloutStatus(await read(api, p))),
  checks: { 'deployment-exists': deploymentExists },
}

export const rolloutUndo: KubeAction = {
  plan: (p) => ({
    operation: 'AppsV1Api.patchNamespacedDeployment',
    args: {
      ...ref(p),
      body: [
        {
          op: 'replace',
          path: '/spec/template',
          value: `<pod template of revision ${p.optInt('revision') ?? 'before the current one'}, read with AppsV1Api.listNamespacedReplicaSet>`,
        },
      ],
      content_type: 'application/json-patch+json',
    },
  }),
  async run(api, p) {
    const d = await read(api, p)
    const found = await previousTemplate(api, d, p.optInt('revision'))
    if (!found.ok) return refused(found.error)
    await api.apps.patchNamespacedDeployment(
      { ...ref(p), body: [{ op: 'replace', path: '/spec/template', value: found.template }] },
      api.options('application/json-patch+json'),
    )
    return done({ rolled_back_to: found.revision })
  },
  state: async (api, p) => ({ revision: revisionOf(await read(api, p)) }),
  checks: {
    'deployment-exists': deploymentExists,
    async 'revision-exists'(api, p) {
      const found = await previousTemplate(api, await read(api, p), p.optInt('revision'))
      return found.ok
        ? { passed: true, message: `revision ${found.revision} has a ReplicaSet` }
        : { passed: false, message: found.error }
    },
  },
}
