/**
 * The `kubernetes` executor (`airlock/kubernetes`): runs the shipped
 * Kubernetes catalogue through `@kubernetes/client-node` 1.x, an optional
 * peer dependency loaded only when the executor is first used.
 *
 * @module
 */
export { KUBERNETES_ACTIONS } from './action-table.js'
export type { KubeConfigSource } from './kube-client.js'
export { type KubernetesExecutorOptions, kubernetesExecutor } from './kubernetes-executor.js'
