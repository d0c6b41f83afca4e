import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { localPrincipal } from '../../identity/principal.js'
import type { PolicyRequest } from '../policy-rule.js'
import type { RiskClass } from '../risk-matrix.js'
import { allowAll, denyAll, requireApproval, riskBased, roleBased } from './index.js'

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    action: 'deploy',
    definition: undefined,
    args: {},
    target_id: null,
    target: undefined,
    caller: localPrincipal('agent-1'),
    risk_class: 'low',
    effective_risk: 'low',
    ticket_id: null,
    now: new Date('2024-05-01T10:00:00Z'),
    ...overrides,
  }
}

const risky = (risk: RiskClass) => request({ risk_class: risk, effective_risk: risk })

describe('fixed-outcome rules', () => {
  it('allowAll, denyAll and requireApproval decide every request', () => {
    expect(allowAll().evaluate(request())?.decision).toBe('allow')
    expect(denyAll().evaluate(request())?.decision).toBe('deny')
    expect(requireApproval().evaluate(request())?.decision).toBe('require_approval')
  })

  it('reports the configured name, priority and action list', () => {
    const rule = denyAll({ name: 'freeze', priority: 50, actions: ['deploy', 'rollback'] })
    expect(rule.name).toBe('freeze')
    expect(rule.priority).toBe(50)
    expect(rule.actions).toEqual({ kind: 'names', names: ['deploy', 'rollback'] })
    expect(rule.evaluate(request())?.rule).toBe('freeze')
  })

  it('applies to every action and priority 0 by default', () => {
    const rule = allowAll()
    expect(rule.actions).toEqual({ kind: 'any' })
    expect(rule.priority).toBe(0)
  })
})

describe('roleBased', () => {
  const rule = roleBased(['admin', 'sre'])

  it('allows a caller holding any listed role', () => {
    const verdict = rule.evaluate(request({ caller: localPrincipal('a', { roles: ['dev', 'sre'] }) }))
    expect(verdict).toMatchObject({ decision: 'allow', rule: 'role-based' })
  })

  it('denies a caller without the roles', () => {
    expect(rule.evaluate(request({ caller: localPrincipal('a', { roles: ['dev'] }) }))?.decision).toBe('deny')
  })

  it('denies an anonymous caller', () => {
    expect(rule.evaluate(request({ caller: undefined }))?.decision).toBe('deny')
  })

  it('does not count a role that only appears as a scope or group', () => {
    const caller = localPrincipal('a', { scopes: ['admin'], groups: ['admin'] })
    expect(rule.evaluate(request({ caller }))?.decision).toBe('deny')
  })

  it('rejects an empty role list at construction', () => {
    expect(() => roleBased([])).toThrow(AirlockError)
  })
})

describe('riskBased', () => {
  it('uses the default map when called without one', () => {
    const rule = riskBased()
    expect(rule.evaluate(risky('low'))?.decision).toBe('allow')
    expect(rule.evaluate(risky('medium'))?.decision).toBe('allow')
    expect(rule.evaluate(risky('high'))?.decision).toBe('require_approval')
    expect(rule.evaluate(risky('critical'))?.decision).toBe('deny')
  })

  it('denies a risk missing from the map instead of allowing it', () => {
    const rule = riskBased({ low: 'allow' })
    expect(rule.evaluate(risky('low'))?.decision).toBe('allow')
    expect(rule.evaluate(risky('high'))).toMatchObject({
      decision: 'deny',
      reason: 'No decision configured for high risk',
    })
  })

  it('treats an empty map as deny-all, not as the default map', () => {
    const rule = riskBased({})
    expect(rule.evaluate(risky('low'))?.decision).toBe('deny')
  })

  it('looks at effective risk by default and at the action risk on request', () => {
    const req = request({ risk_class: 'low', effective_risk: 'high' })
    expect(riskBased({ low: 'allow', high: 'deny' }).evaluate(req)?.decision).toBe('deny')
    expect(riskBased({ low: 'allow', high: 'deny' }, { use: 'risk_class' }).evaluate(req)?.decision).toBe(
      'allow',
    )
  })

  it('rejects an unknown risk class or decision at construction', () => {
    expect(() => riskBased({ severe: 'allow' } as never)).toThrow(/invalid entry "severe"/)
    expect(() => riskBased({ low: 'approve' } as never)).toThrow(AirlockError)
  })
})
