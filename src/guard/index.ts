/**
 * Guarded functions and tools: policy, human approval and audit around any call.
 *
 * @module
 */
export { ApprovalDeniedError, type Denial, type DenialKind } from './approval-denied-error.js'
export { closeDefaultGuardRuntime, defaultGuardRuntime } from './default-guard-runtime.js'
export { type DenialMessage, denialMessage } from './denial-message.js'
export { type GuardOptions, guard } from './guard.js'
export {
  airlockGuardRuntime,
  createGuardRuntime,
  type GuardRuntime,
  type GuardRuntimeConfig,
} from './guard-runtime.js'
export { type GuardStateDirSource, guardStateDir } from './guard-state-dir.js'
export { type GuardToolsOptions, guardTools, type ToolLike } from './guard-tools.js'
export { type GuardedInputs, guardedAction } from './guarded-action.js'
