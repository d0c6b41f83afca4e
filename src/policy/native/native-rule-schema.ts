import { z } from 'zod'
import { ENVIRONMENTS, SENSITIVITIES } from '../../inventory/target.js'
import { DECISION_RESULTS } from '../decision.js'
import { RISK_CLASSES } from '../risk-matrix.js'

const names = z.array(z.string())
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const hour = z.int().min(0).max(23)

const targetSelector = z.strictObject({
  environments: z.array(z.enum(ENVIRONMENTS)).optional(),
  sensitivities: z.array(z.enum(SENSITIVITIES)).optional(),
  types: names.optional(),
  labels: z.record(z.string(), z.string()).optional(),
})

const callerSelector = z.strictObject({
  agent_ids: names.optional(),
  roles: names.optional(),
  groups: names.optional(),
  delegated_from: names.optional(),
  max_delegation_depth: z.int().min(0).optional(),
  require_delegation: z.boolean().optional(),
})

const timeWindow = z.strictObject({
  days: z.array(z.int().min(0).max(6)).nullable().optional(),
  start_hour: hour.default(0),
  end_hour: hour.default(23),
  timezone: z.string().optional(),
})

const policyMatch = z.strictObject({
  actions: names.default(['*']),
  targets: targetSelector.optional(),
  callers: callerSelector.optional(),
  risk_classes: z.array(z.enum(RISK_CLASSES)).optional(),
  time_windows: z.array(timeWindow).optional(),
  require_ticket: z.boolean().nullable().optional(),
  args: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional(),
  args_pattern: z.string().optional(),
  path_patterns: z.union([z.string(), names]).optional(),
  when: z.string().optional(),
})

/** One rule of a native policy file (agent-safe's format plus extensions). Unknown keys are errors. */
export const nativeRuleSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  priority: z.int().default(0),
  match: policyMatch,
  decision: z.enum(DECISION_RESULTS),
  reason: z.string(),
})

/** A validated native rule, before compilation. */
export type NativeRuleSpec = z.output<typeof nativeRuleSchema>

/** The top level of a native policy file. */
export const nativeFileSchema = z.strictObject({
  rules: z.array(z.unknown()),
  extends: z.array(z.string()).optional(),
})
