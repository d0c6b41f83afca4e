/**
 * Actions: defined in code with `defineAction` or loaded from YAML, and the
 * registry that holds them.
 *
 * @module
 */
export type {
  ActionContext,
  ActionDefinition,
  ActionHandler,
  AnyActionDefinition,
  ParamIssue,
  ValidationResult,
} from './action-definition.js'
export { ACTION_NAME_PATTERN, isActionName } from './action-name.js'
export { ActionRegistry, type CatalogCheckOptions } from './action-registry.js'
export { type DefineActionConfig, defineAction } from './define-action.js'
export { formatParamIssues } from './format-param-issues.js'
export { inputJsonSchema } from './input-json-schema.js'
export { loadActionFile, loadActions, parseActionYaml } from './load-actions.js'
export {
  PARAMETER_TYPES,
  type ParameterConstraints,
  type ParameterSpec,
  type ParameterType,
} from './parameter-spec.js'
