export {
  type DecisionPair,
  type DifferenceReport,
  DifferenceTally,
  formatDifferenceReport,
  type Transition,
} from './difference-report.js'
export { PolicyHolder } from './policy-holder.js'
export {
  contentHash,
  createPolicySet,
  type PolicyActions,
  type PolicySet,
  type PolicySetInput,
  type PolicySetSummary,
  type PolicyTargets,
  policySetFromRules,
  summarizePolicySet,
} from './policy-set.js'
