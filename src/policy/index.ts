/**
 * Policy: rules, the compiled engine, loaders for Airlock's YAML and
 * agent-action-policy files, templates, code rules and policy tests.
 *
 * @module
 */
export { AapRule } from './aap/index.js'
export { DECISION_RESULTS, type Decision, type DecisionResult } from './decision.js'
export {
  type LoadedPolicies,
  type LoadPoliciesOptions,
  loadPolicies,
  parsePolicies,
} from './load-policies.js'
export { type MatchCheck, MatchRule } from './match-rule.js'
export {
  compileGlob,
  compileNamePattern,
  compileRegex,
  extractPaths,
  flattenArgs,
  normalizePath,
  type StringTest,
} from './matchers/index.js'
export { NativeRule } from './native/index.js'
export { PolicyEngine, type PolicyEngineOptions, type PolicyEvaluation } from './policy-engine.js'
export type { ActionFilter, PolicyRequest, PolicyRule, RuleVerdict } from './policy-rule.js'
export {
  loadPolicyTests,
  type PolicyTestCaller,
  type PolicyTestCase,
  type PolicyTestReport,
  type PolicyTestResult,
  parsePolicyTests,
  policyTestPrincipal,
  runPolicyTests,
} from './policy-tests.js'
export { effectiveRisk, isRiskClass, RISK_CLASSES, type RiskClass } from './risk-matrix.js'
export * from './rules/index.js'
export * from './templates/index.js'
