/**
 * A deployment's revisions, as the deployment controller records them: one
 * ReplicaSet per pod template, numbered by the
 * `deployment.kubernetes.io/revision` annotation.
 *
 * @module
 */
import type { V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node'
import type { KubeApis } from './kube-client.js'

const REVISION = 'deployment.kubernetes.io/revision'

/** The revision number an object carries, or 0 when it has none. */
export function revisionOf(object: { metadata?: { annotations?: Record<string, string> } }): number {
  const raw = object.metadata?.annotations?.[REVISION]
  const n = raw === undefined ? Number.NaN : Number.parseInt(raw, 10)
  return Number.isInteger(n) ? n : 0
}

export type PreviousTemplate =
  | { readonly ok: true; readonly revision: number; readonly template: V1PodTemplateSpec }
  | { readonly ok: false; readonly error: string }

/**
 * The pod template of `revision` (default: the highest one below the current),
 * without the `pod-template-hash` label the controller adds to ReplicaSets.
 */
export async function previousTemplate(
  api: KubeApis,
  deployment: V1Deployment,
  revision: number | undefined,
): Promise<PreviousTemplate> {
  const name = `${deployment.metadata?.namespace}/${deployment.metadata?.name}`
  const labels = deployment.spec?.selector.matchLabels ?? {}
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  const list = await api.apps.listNamespacedReplicaSet(
    { namespace: deployment.metadata?.namespace ?? '', labelSelector: selector },
    api.options(),
  )
  const uid = deployment.metadata?.uid
  const owned = list.items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === uid))
  const current = revisionOf(deployment)
  const candidates = owned
    .map((rs) => ({ rs, revision: revisionOf(rs) }))
    .filter((c) =>
      revision === undefined ? c.revision > 0 && c.revision < current : c.revision === revision,
    )
    .sort((a, b) => b.revision - a.revision)
  const chosen = candidates[0]
  if (chosen === undefined || chosen.rs.spec?.template === undefined) {
    return {
      ok: false,
      error:
        revision === undefined
          ? `deployment ${name} has no revision before ${current} to return to`
          : `deployment ${name} has no revision ${revision} (known: ${
              owned
                .map(revisionOf)
                .sort((a, b) => a - b)
                .join(', ') || 'none'
            })`,
    }
  }
  if (revision !== undefined && revision === current) {
    return { ok: false, error: `deployment ${name} is already at revision ${revision}` }
  }
  const template = structuredClone(chosen.rs.spec.template)
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash']
  return { ok: true, revision: chosen.revision, template }
}
