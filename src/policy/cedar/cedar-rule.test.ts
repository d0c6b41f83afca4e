import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../errors/config-error.js'
import { localPrincipal } from '../../identity/principal.js'
import type { Target } from '../../inventory/target.js'
import type { PolicyRequest } from '../policy-rule.js'
import { cedarRule } from './index.js'

const prodApi: Target = {
  id: 'prod/api',
  type: 'service',
  environment: 'prod',
  sensitivity: 'critical',
  owner: 'team-api',
  labels: { tier: 'web' },
}

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    action: 'restart_service',
    definition: undefined,
    args: { replicas: 3, reason: 'deploy' },
    target_id: 'prod/api',
    target: prodApi,
    caller: localPrincipal('agent-7', { roles: ['sre'], groups: ['oncall'] }),
    risk_class: 'medium',
    effective_risk: 'critical',
    ticket_id: null,
    now: new Date('2024-05-01T10:00:00Z'),
    ...overrides,
  }
}

describe('cedarRule', () => {
  it('allows when a permit matches the principal, action and resource', () => {
    const rule = cedarRule({
      policies:
        'permit(principal == Agent::"agent-7", action == Action::"restart_service", resource == Target::"prod/api");',
    })
    expect(rule.evaluate(request())).toMatchObject({ decision: 'allow', rule: 'cedar' })
  })

  it('denies when a forbid matches, even with a matching permit, and names the policy', () => {
    const rule = cedarRule({
      policies: `
        permit(principal, action, resource);
        @id("no-prod-on-weekdays")
        forbid(principal, action, resource) when { context.environment == "prod" && context.args.replicas > 2 };
      `,
    })
    const verdict = rule.evaluate(request())
    expect(verdict?.decision).toBe('deny')
    expect(verdict?.reason).toContain('no-prod-on-weekdays')
  })

  it('denies by default when no policy matches', () => {
    const rule = cedarRule({ policies: 'permit(principal, action == Action::"read", resource);' })
    expect(rule.evaluate(request())).toMatchObject({
      decision: 'deny',
      reason: 'No Cedar policy permits this request',
    })
  })

  it('abstains when no policy matches and noMatch is abstain', () => {
    const rule = cedarRule({
      policies: 'permit(principal, action == Action::"read", resource);',
      noMatch: 'abstain',
    })
    expect(rule.evaluate(request())).toBeNull()
  })

  it('treats roles and groups as parents of the principal', () => {
    const rule = cedarRule({
      policies: 'permit(principal in Role::"sre", action, resource) when { principal in Group::"oncall" };',
    })
    expect(rule.evaluate(request())?.decision).toBe('allow')
    const dev = request({ caller: localPrincipal('agent-8', { roles: ['dev'] }) })
    expect(rule.evaluate(dev)?.decision).toBe('deny')
  })

  it('exposes target attributes on the resource and risk in the context', () => {
    const rule = cedarRule({
      policies:
        'permit(principal, action, resource) when { resource.sensitivity == "critical" && context.effective_risk == "critical" && resource.labels.tier == "web" };',
    })
    expect(rule.evaluate(request())?.decision).toBe('allow')
  })

  it('maps a permit annotated @decision("require_approval") to require_approval', () => {
    const rule = cedarRule({
      policies: `
        @id("prod-needs-human") @decision("require_approval")
        permit(principal, action, resource) when { context.environment == "prod" };
      `,
    })
    expect(rule.evaluate(request())).toMatchObject({
      decision: 'require_approval',
      reason: 'Cedar policy prod-needs-human requires approval',
    })
  })

  it('compares the request time as a datetime', () => {
    const rule = cedarRule({
      policies:
        'permit(principal, action, resource) when { context.now < datetime("2024-06-01T00:00:00Z") };',
    })
    expect(rule.evaluate(request())?.decision).toBe('allow')
    expect(rule.evaluate(request({ now: new Date('2024-07-01T00:00:00Z') }))?.decision).toBe('deny')
  })

  it('uses configured entities for action groups', () => {
    const rule = cedarRule({
      policies: 'permit(principal, action in Action::"operations", resource);',
      entities: [
        {
          uid: { type: 'Action', id: 'restart_service' },
          attrs: {},
          parents: [{ type: 'Action', id: 'operations' }],
        },
      ],
    })
    expect(rule.evaluate(request())?.decision).toBe('allow')
  })

  it('gives an anonymous caller its own principal type', () => {
    const rule = cedarRule({ policies: 'permit(principal is Agent, action, resource);' })
    expect(rule.evaluate(request({ caller: undefined }))?.decision).toBe('deny')
  })

  it('uses a placeholder resource when there is no target', () => {
    const rule = cedarRule({ policies: 'permit(principal, action, resource) when { !context.has_target };' })
    expect(rule.evaluate(request({ target_id: null, target: undefined }))?.decision).toBe('allow')
  })

  it('fails closed when a forbid errors on a missing attribute', () => {
    const rule = cedarRule({
      policies: `
        permit(principal, action, resource);
        forbid(principal, action, resource) when { resource.environment == "prod" };
      `,
    })
    // Unknown target: the resource has no attributes, so the forbid cannot be evaluated.
    const verdict = rule.evaluate(request({ target_id: 'nope', target: undefined }))
    expect(verdict?.decision).toBe('deny')
    expect(verdict?.reason).toContain('failing closed')
  })

  it('does not let arguments smuggle in entity references', () => {
    const rule = cedarRule({
      policies: 'permit(principal, action, resource) when { context.args.who == Agent::"admin" };',
    })
    const smuggled = request({ args: { who: { __entity: { type: 'Agent', id: 'admin' } } } })
    expect(rule.evaluate(smuggled)?.decision).toBe('deny')
  })

  it('accepts non-integer and null arguments', () => {
    const rule = cedarRule({
      policies:
        'permit(principal, action, resource) when { context.args.ratio == "0.5" && !(context.args has gone) };',
    })
    expect(rule.evaluate(request({ args: { ratio: 0.5, gone: null } }))?.decision).toBe('allow')
  })

  it('throws a ConfigError naming the source for invalid Cedar text', () => {
    expect(() =>
      cedarRule({ policies: 'permit(principal, action, resource) whe {', source: 'policies.cedar' }),
    ).toThrow(ConfigError)
    try {
      cedarRule({ policies: 'permit(principal, action, resource) whe {', source: 'policies.cedar' })
    } catch (error) {
      expect((error as ConfigError).issues[0]?.file).toBe('policies.cedar')
    }
  })

  it('rejects an unknown @decision annotation', () => {
    expect(() => cedarRule({ policies: '@decision("maybe") permit(principal, action, resource);' })).toThrow(
      /@decision/,
    )
  })

  it('keeps name, priority and action filter', () => {
    const rule = cedarRule({
      policies: 'permit(principal, action, resource);',
      name: 'org',
      priority: 7,
      actions: ['a'],
    })
    expect(rule).toMatchObject({ name: 'org', priority: 7, actions: { kind: 'names', names: ['a'] } })
  })
})
