import { describe, expect, it } from 'vitest'
import { localPrincipal } from '../../identity/principal.js'
import type { PolicyRequest } from '../policy-rule.js'
import { compileCelCondition } from './cel-condition.js'

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    action: 'scale-deployment',
    definition: undefined,
    args: { replicas: 5, namespace: 'web' },
    target_id: 'prod/api',
    target: {
      id: 'prod/api',
      type: 'k8s-deployment',
      environment: 'prod',
      sensitivity: 'critical',
      owner: 'platform',
      labels: { tier: 'backend' },
    },
    caller: localPrincipal('agent-1', { roles: ['deployer'] }),
    risk_class: 'medium',
    effective_risk: 'critical',
    ticket_id: null,
    now: new Date('2024-01-01T12:00:00Z'),
    ...overrides,
  }
}

function evaluate(source: string, req: PolicyRequest = request()) {
  const compiled = compileCelCondition(source)
  if (!compiled.ok) throw new Error(compiled.message)
  return compiled.evaluate(req)
}

describe('compileCelCondition', () => {
  it('sees action, args, target, caller, risk and now', () => {
    expect(evaluate('action == "scale-deployment" && args.replicas > 3')).toBe(true)
    expect(evaluate('target.environment == "prod" && target.labels.tier == "backend"')).toBe(true)
    expect(evaluate('"deployer" in caller.roles && caller.delegation_depth == 0')).toBe(true)
    expect(evaluate('risk.effective == "critical" && risk.class == "medium"')).toBe(true)
    expect(evaluate('now.getHours() == 12')).toBe(true)
  })

  it('gives null for a missing target or caller', () => {
    expect(
      evaluate('target == null && caller == null', request({ target: undefined, caller: undefined })),
    ).toBe(true)
  })

  it('reports runtime errors and non-bool results as errors', () => {
    expect(evaluate('args.missing == 1')).toBe('error')
    expect(evaluate('args.replicas')).toBe('error')
    expect(evaluate('has(args.missing)')).toBe(false)
  })

  it('rejects syntax errors and unknown variables at compile time', () => {
    const syntax = compileCelCondition('args.replicas >')
    expect(syntax.ok).toBe(false)
    const typo = compileCelCondition('reqest.action == "x"')
    expect(typo.ok).toBe(false)
    if (!typo.ok) expect(typo.message).toContain("'reqest'")
  })

  it('accepts comprehension variables and type names', () => {
    expect(evaluate('caller.roles.exists(r, r == "deployer")')).toBe(true)
    expect(evaluate('type(args.namespace) == string')).toBe(true)
  })
})
