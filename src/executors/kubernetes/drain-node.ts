/**
 * Drain: cordon the node, then evict its pods through the Eviction API so
 * the API server applies PodDisruptionBudgets. A 429 is the budget saying
 * "not now": the eviction is retried until the deadline, then the drain
 * fails naming the pods still there (the node stays cordoned).
 *
 * @module
 */
import type { V1Pod } from '@kubernetes/client-node'
import type { ExecutionResult } from '../executor.js'
import { describeApiError } from './api-error.js'
import { done, type KubeParams, type KubeRunContext, refused, statusOf } from './kube-action.js'
import type { KubeApis } from './kube-client.js'

interface PodRef {
  readonly namespace: string
  readonly name: string
  readonly id: string
}

const MIRROR = 'kubernetes.io/config.mirror'
const MERGE = 'application/merge-patch+json'

export const unschedulableBody = (value: boolean) => ({ spec: { unschedulable: value } })

/** Sets `spec.unschedulable`: cordon, uncordon and the first step of a drain. */
export async function setUnschedulable(api: KubeApis, node: string, value: boolean): Promise<void> {
  await api.core.patchNode({ name: node, body: unschedulableBody(value) }, api.options(MERGE))
}

/** The pods a drain evicts, and why it cannot start (DaemonSet pods it may not ignore). */
export async function drainablePods(
  api: KubeApis,
  node: string,
  ignoreDaemonSets: boolean,
): Promise<{ evict: PodRef[]; blocked: string[] }> {
  const pods = await api.core.listPodForAllNamespaces(
    { fieldSelector: `spec.nodeName=${node}` },
    api.options(),
  )
  const evict: PodRef[] = []
  const daemons: string[] = []
  for (const pod of pods.items as V1Pod[]) {
    const namespace = pod.metadata?.namespace ?? 'default'
    const name = pod.metadata?.name ?? ''
    // Static pods are managed by the kubelet; the API cannot evict them.
    if (pod.metadata?.annotations?.[MIRROR] !== undefined) continue
    if (pod.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet')) {
      daemons.push(`${namespace}/${name}`)
      continue
    }
    evict.push({ namespace, name, id: `${namespace}/${name}` })
  }
  const blocked =
    daemons.length > 0 && !ignoreDaemonSets
      ? [
          `DaemonSet pods on the node (${daemons.join(', ')}); set ignore_daemonsets: true to leave them in place`,
        ]
      : []
  return { evict, blocked }
}

type EvictionOutcome = 'evicted' | 'gone' | 'refused'

async function evict(api: KubeApis, pod: PodRef): Promise<EvictionOutcome> {
  try {
    await api.core.createNamespacedPodEviction(
      {
        name: pod.name,
        namespace: pod.namespace,
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: pod.name, namespace: pod.namespace },
        },
      },
      api.options(),
    )
    return 'evicted'
  } catch (error) {
    const status = statusOf(error)
    if (status === 429) return 'refused'
    if (status === 404) return 'gone'
    throw error
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Cordon, then evict every pod, retrying budget refusals until the deadline. */
export async function drainNode(
  api: KubeApis,
  p: KubeParams,
  context: KubeRunContext,
): Promise<ExecutionResult> {
  const node = p.str('node')
  const { evict: pods, blocked } = await drainablePods(api, node, p.optBool('ignore_daemonsets') ?? true)
  if (blocked.length > 0) return refused(`cannot drain node ${node}: ${blocked.join('; ')}`)
  await setUnschedulable(api, node, true)

  const deadline = Math.min(context.deadline, Date.now() + (p.optInt('timeout') ?? 120) * 1000)
  const evicted: string[] = []
  let pending = pods
  for (;;) {
    const refusedNow: PodRef[] = []
    for (const pod of pending) {
      try {
        const outcome = await evict(api, pod)
        if (outcome === 'refused') refusedNow.push(pod)
        else evicted.push(pod.id)
      } catch (error) {
        const reason = describeApiError(error)
        if (reason === undefined) throw error
        return refused(`evicting ${pod.id} from node ${node} failed: ${reason}; the node stays cordoned`, {
          node,
          evicted,
        })
      }
    }
    pending = refusedNow
    if (pending.length === 0) return done({ node, cordoned: true, evicted })
    if (Date.now() + context.eviction_retry_ms > deadline) break
    await pause(context.eviction_retry_ms, context.signal)
  }
  const ids = pending.map((x) => x.id)
  return refused(
    `drain of node ${node} incomplete: a PodDisruptionBudget kept refusing the eviction (429) of ${ids.join(', ')} until the timeout; the node stays cordoned`,
    { node, evicted, not_evicted: ids },
  )
}
