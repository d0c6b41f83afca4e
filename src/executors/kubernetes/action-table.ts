/**
 * The 20 actions of the shipped Kubernetes catalogue, by name, each mapped
 * to its typed API calls.
 *
 * @module
 */
import { getConfigmap, getSecret, updateConfigmap } from './config-actions.js'
import {
  restartDeployment,
  rolloutStatusAction,
  rolloutUndo,
  scaleDeployment,
  updateImage,
} from './deployment-actions.js'
import { scaleHpa, updateHpaLimits } from './hpa-actions.js'
import type { KubeAction } from './kube-action.js'
import { applyNetworkPolicy, createNamespace, deleteNamespace } from './namespace-actions.js'
import { cordonNode, drainNode, uncordonNode } from './node-actions.js'
import { deletePod, execPod, getPodLogs, portForward } from './pod-actions.js'

export const KUBERNETES_ACTIONS: Readonly<Record<string, KubeAction>> = Object.freeze({
  'apply-network-policy': applyNetworkPolicy,
  'cordon-node': cordonNode,
  'create-namespace': createNamespace,
  'delete-namespace': deleteNamespace,
  'delete-pod': deletePod,
  'drain-node': drainNode,
  'exec-pod': execPod,
  'get-configmap': getConfigmap,
  'get-pod-logs': getPodLogs,
  'get-secret': getSecret,
  'port-forward': portForward,
  'restart-deployment': restartDeployment,
  'rollout-status': rolloutStatusAction,
  'rollout-undo': rolloutUndo,
  'scale-deployment': scaleDeployment,
  'scale-hpa': scaleHpa,
  'uncordon-node': uncordonNode,
  'update-configmap': updateConfigmap,
  'update-hpa-limits': updateHpaLimits,
  'update-image': updateImage,
})
