/**
 * Approval policies for guarded functions: which calls wait for a human.
 *
 * @module
 */
export { type AmountOverOptions, amountOver } from './amount-over.js'
export { type ApprovalPolicy, type ApprovalVerdict, approvalPolicy } from './approval-policy.js'
export type { ApprovalRule, RuleHold } from './approval-rule.js'
export { type ArgLookup, type GuardedCall, guardedCall, isPlainObject, lookupArg } from './guarded-call.js'
export { matchArgs } from './match-args.js'
export { parsePythonFloat } from './python-float.js'
export { always, requireIf } from './require-if.js'
