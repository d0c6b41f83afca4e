/**
 * HorizontalPodAutoscaler actions (autoscaling/v2).
 *
 * @module
 */
import type { V2HorizontalPodAutoscaler, V2MetricSpec } from '@kubernetes/client-node'
import {
  done,
  exists,
  type KubeAction,
  type KubeCheckFn,
  type KubeParams,
  qualified,
  refused,
} from './kube-action.js'
import type { KubeApis } from './kube-client.js'

const MERGE = 'application/merge-patch+json'
const JSON_PATCH = 'application/json-patch+json'

const ref = (p: KubeParams) => ({ name: p.str('hpa'), namespace: p.str('namespace') })
const read = (api: KubeApis, p: KubeParams) =>
  api.autoscaling.readNamespacedHorizontalPodAutoscaler(ref(p), api.options())

const hpaExists: KubeCheckFn = exists(
  'HorizontalPodAutoscaler',
  (p) => qualified(p.str('namespace'), p.str('hpa')),
  async (api, p) => {
    await read(api, p)
    return {
      passed: true,
      message: `HorizontalPodAutoscaler ${qualified(p.str('namespace'), p.str('hpa'))} exists`,
    }
  },
)

const boundsBody = (p: KubeParams) => ({
  spec: { minReplicas: p.int('min_replicas'), maxReplicas: p.int('max_replicas') },
})

export const scaleHpa: KubeAction = {
  plan: (p) => ({
    operation: 'AutoscalingV2Api.patchNamespacedHorizontalPodAutoscaler',
    args: { ...ref(p), body: boundsBody(p), content_type: MERGE },
  }),
  async run(api, p) {
    if (p.int('min_replicas') > p.int('max_replicas')) {
      return refused(`min_replicas ${p.int('min_replicas')} is above max_replicas ${p.int('max_replicas')}`)
    }
    await api.autoscaling.patchNamespacedHorizontalPodAutoscaler(
      { ...ref(p), body: boundsBody(p) },
      api.options(MERGE),
    )
    return done({ min_replicas: p.int('min_replicas'), max_replicas: p.int('max_replicas') })
  },
  async state(api, p) {
    const hpa = await read(api, p)
    return { min_replicas: hpa.spec?.minReplicas ?? 1, max_replicas: hpa.spec?.maxReplicas ?? 0 }
  },
  checks: {
    'hpa-exists': hpaExists,
    async 'min-max-valid'(_api, p) {
      return p.int('min_replicas') <= p.int('max_replicas')
        ? { passed: true, message: 'min_replicas is not above max_replicas' }
        : {
            passed: false,
            message: `min_replicas ${p.int('min_replicas')} is above max_replicas ${p.int('max_replicas')}`,
          }
    },
  },
}

type ResourceName = 'cpu' | 'memory'

function targetOf(hpa: V2HorizontalPodAutoscaler, resource: ResourceName): number | undefined {
  const metric = hpa.spec?.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === resource)
  return metric?.resource?.target.averageUtilization
}

function targets(p: KubeParams): Partial<Record<ResourceName, number>> {
  const out: Partial<Record<ResourceName, number>> = {}
  const cpu = p.optInt('target_cpu_percent')
  const memory = p.optInt('target_memory_percent')
  if (cpu !== undefined) out.cpu = cpu
  if (memory !== undefined) out.memory = memory
  return out
}

/** The HPA's metrics with the CPU/memory utilisation targets replaced or added; others kept. */
function withTargets(
  metrics: readonly V2MetricSpec[],
  wanted: Partial<Record<ResourceName, number>>,
): V2MetricSpec[] {
  const out = metrics.filter(
    (m) => !(m.type === 'Resource' && m.resource?.name !== undefined && m.resource.name in wanted),
  )
  for (const [name, averageUtilization] of Object.entries(wanted)) {
    out.push({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } })
  }
  return out
}

export const updateHpaLimits: KubeAction = {
  plan: (p) => ({
    operation: 'AutoscalingV2Api.patchNamespacedHorizontalPodAutoscaler',
    args: {
      ...ref(p),
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: '<as read>' },
        {
          op: 'add',
          path: '/spec/metrics',
          value: `<current metrics with Resource utilisation targets ${JSON.stringify(targets(p))}>`,
        },
      ],
      content_type: JSON_PATCH,
    },
  }),
  async run(api, p) {
    const wanted = targets(p)
    if (Object.keys(wanted).length === 0)
      return refused('give target_cpu_percent, target_memory_percent or both')
    const hpa = await read(api, p)
    // The test op makes a concurrent edit fail the patch instead of being overwritten.
    const body = [
      { op: 'test', path: '/metadata/resourceVersion', value: hpa.metadata?.resourceVersion ?? '' },
      { op: 'add', path: '/spec/metrics', value: withTargets(hpa.spec?.metrics ?? [], wanted) },
    ]
    await api.autoscaling.patchNamespacedHorizontalPodAutoscaler({ ...ref(p), body }, api.options(JSON_PATCH))
    return done({ targets: wanted })
  },
  async state(api, p) {
    const hpa = await read(api, p)
    const out: Record<string, number> = {}
    const cpu = targetOf(hpa, 'cpu')
    const memory = targetOf(hpa, 'memory')
    if (cpu !== undefined) out.target_cpu_percent = cpu
    if (memory !== undefined) out.target_memory_percent = memory
    return out
  },
  checks: {
    'hpa-exists': hpaExists,
    async 'target-given'(_api, p) {
      return Object.keys(targets(p)).length > 0
        ? { passed: true, message: 'a utilisation target is given' }
        : { passed: false, message: 'give target_cpu_percent, target_memory_percent or both' }
    },
  },
}
