import type { Sensitivity } from '../inventory/target.js'

/** How dangerous an action is on its own. */
export type RiskClass = 'low' | 'medium' | 'high' | 'critical'

export const RISK_CLASSES: readonly RiskClass[] = ['low', 'medium', 'high', 'critical']

const MATRIX: Record<RiskClass, Record<Sensitivity, RiskClass>> = {
  low: { public: 'low', internal: 'low', restricted: 'medium', critical: 'high' },
  medium: { public: 'low', internal: 'medium', restricted: 'high', critical: 'critical' },
  high: { public: 'medium', internal: 'high', restricted: 'critical', critical: 'critical' },
  critical: { public: 'high', internal: 'critical', restricted: 'critical', critical: 'critical' },
}

/**
 * Effective risk of running an action of `risk` on a target of `sensitivity`.
 *
 * @remarks An unknown target (no sensitivity) counts as `critical`, so a typo
 * in a target id can only make a request riskier, never safer.
 */
export function effectiveRisk(risk: RiskClass, sensitivity: Sensitivity | undefined): RiskClass {
  return MATRIX[risk][sensitivity ?? 'critical']
}

export function isRiskClass(value: unknown): value is RiskClass {
  return typeof value === 'string' && (RISK_CLASSES as readonly string[]).includes(value)
}
