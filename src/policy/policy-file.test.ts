import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import type { DelegationLink, Principal } from '../identity/principal.js'
import { localPrincipal } from '../identity/principal.js'
import { parseYaml } from '../internal/yaml-source.js'
import type { Target } from '../inventory/target.js'
import { PolicyEngine } from './policy-engine.js'
import { compilePolicyFile } from './policy-file.js'
import type { PolicyRequest } from './policy-rule.js'

const prodApi: Target = {
  id: 'prod/api-server',
  type: 'k8s-deployment',
  environment: 'prod',
  sensitivity: 'critical',
  owner: 'platform-team',
  labels: { app: 'api-server', tier: 'backend' },
}
const devApp: Target = {
  ...prodApi,
  id: 'dev/test-app',
  environment: 'dev',
  sensitivity: 'public',
  labels: { app: 'test-app' },
}

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    action: 'restart-deployment',
    definition: undefined,
    args: {},
    target_id: devApp.id,
    target: devApp,
    caller: localPrincipal('agent-1'),
    risk_class: 'medium',
    effective_risk: 'low',
    ticket_id: null,
    now: new Date('2024-01-01T12:00:00Z'),
    ...overrides,
  }
}

function engine(yaml: string): PolicyEngine {
  return new PolicyEngine(compilePolicyFile(parseYaml('policy.yaml', yaml)).rules)
}

function load(yaml: string): ConfigError {
  try {
    compilePolicyFile(parseYaml('policy.yaml', yaml))
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

const delegated = (principal: Principal, ...ids: string[]): Principal => ({
  ...principal,
  delegation_chain: ids.map((actor_id): DelegationLink => ({ actor_id, roles: [], groups: [] })),
})

describe('native policy files', () => {
  it('takes the first match by priority, highest first, ties in file order', () => {
    const policy = engine(`
rules:
  - name: allow-dev
    priority: 10
    match: { targets: { environments: [dev] } }
    decision: allow
    reason: dev is open
  - name: deny-restart
    priority: 100
    match: { actions: [restart-*] }
    decision: deny
    reason: no restarts
  - name: approve-restart
    priority: 100
    match: { actions: [restart-*] }
    decision: require_approval
    reason: later
`)
    expect(policy.evaluate(request())).toEqual({
      decision: 'deny',
      reason: 'no restarts',
      rule: 'deny-restart',
    })
    expect(policy.evaluate(request({ action: 'scale-deployment' })).rule).toBe('allow-dev')
  })

  it('denies by default with the agent-safe reason', () => {
    expect(engine('rules: []').evaluate(request())).toEqual({
      decision: 'deny',
      reason: 'No matching policy (default deny)',
      rule: null,
    })
  })

  it('never matches an empty list', () => {
    const policy = engine(`
rules:
  - { name: none, match: { actions: [] }, decision: allow, reason: x }
  - { name: no-env, match: { targets: { environments: [] } }, decision: allow, reason: x }
`)
    expect(policy.evaluate(request()).rule).toBeNull()
  })

  it('does not match target or caller selectors without a target or caller', () => {
    const policy = engine(`
rules:
  - { name: t, match: { targets: {} }, decision: allow, reason: x }
  - { name: c, match: { callers: {} }, decision: allow, reason: x }
`)
    expect(policy.evaluate(request({ target: undefined, caller: undefined })).rule).toBeNull()
    expect(policy.evaluate(request({ target: undefined })).rule).toBe('c')
  })

  it('matches targets by environment, sensitivity, type and labels', () => {
    const policy = engine(`
rules:
  - name: backend-prod
    match:
      targets: { environments: [prod], sensitivities: [critical], types: [k8s-deployment], labels: { tier: backend } }
    decision: require_approval
    reason: prod backend
`)
    expect(policy.evaluate(request({ target: prodApi })).rule).toBe('backend-prod')
    expect(policy.evaluate(request({ target: { ...prodApi, labels: { tier: 'frontend' } } })).rule).toBeNull()
  })

  it('matches callers by id, role, group and delegation', () => {
    const policy = engine(`
rules:
  - { name: ids, match: { callers: { agent_ids: [boss] } }, decision: allow, reason: x }
  - { name: roles, match: { callers: { roles: [deployer], max_delegation_depth: 1 } }, decision: allow, reason: x }
  - { name: from, match: { callers: { delegated_from: [root-agent] } }, decision: require_approval, reason: x }
  - { name: direct, match: { callers: { groups: [ops], require_delegation: false } }, decision: allow, reason: x }
`)
    const deployer = localPrincipal('a', { roles: ['deployer'] })
    expect(policy.evaluate(request({ caller: localPrincipal('boss') })).rule).toBe('ids')
    expect(policy.evaluate(request({ caller: delegated(deployer, 'x') })).rule).toBe('roles')
    expect(policy.evaluate(request({ caller: delegated(deployer, 'root-agent', 'x') })).rule).toBe('from')
    const ops = localPrincipal('o', { groups: ['ops'] })
    expect(policy.evaluate(request({ caller: ops })).rule).toBe('direct')
    expect(policy.evaluate(request({ caller: delegated(ops, 'y') })).rule).toBeNull()
  })

  it('matches risk classes against the effective risk and checks tickets', () => {
    const policy = engine(`
rules:
  - { name: critical, match: { risk_classes: [critical] }, decision: require_approval, reason: x }
  - { name: ticketed, match: { require_ticket: true }, decision: allow, reason: x }
`)
    expect(policy.evaluate(request({ risk_class: 'critical', effective_risk: 'low' })).rule).toBeNull()
    expect(policy.evaluate(request({ effective_risk: 'critical' })).rule).toBe('critical')
    expect(policy.evaluate(request({ ticket_id: 'CHG-1' })).rule).toBe('ticketed')
    expect(policy.evaluate(request({ ticket_id: '' })).rule).toBeNull()
  })

  it('applies time windows in their time zone', () => {
    const policy = engine(`
rules:
  - name: business-hours
    match: { time_windows: [{ days: [0, 1, 2, 3, 4], start_hour: 9, end_hour: 17, timezone: Europe/Berlin }] }
    decision: allow
    reason: office hours
`)
    expect(policy.evaluate(request({ now: new Date('2024-01-01T16:30:00Z') })).rule).toBe('business-hours')
    expect(policy.evaluate(request({ now: new Date('2024-01-01T17:30:00Z') })).rule).toBeNull()
  })

  it('matches arguments per parameter', () => {
    const policy = engine(`
rules:
  - name: no-system-namespaces
    match: { args: { namespace: [kube-*, default] } }
    decision: deny
    reason: system namespace
  - name: small-scale
    match: { args: { replicas: "~^[0-9]$", image: "~^registry\\\\.internal/" } }
    decision: allow
    reason: small
`)
    expect(policy.evaluate(request({ args: { namespace: 'kube-system' } })).rule).toBe('no-system-namespaces')
    expect(policy.evaluate(request({ args: { replicas: 3, image: 'registry.internal/app' } })).rule).toBe(
      'small-scale',
    )
    expect(
      policy.evaluate(request({ args: { replicas: 30, image: 'registry.internal/app' } })).rule,
    ).toBeNull()
    expect(policy.evaluate(request({ args: { replicas: 3 } })).rule).toBeNull()
  })

  it('matches args_pattern on the flattened arguments and normalised path_patterns', () => {
    const policy = engine(`
rules:
  - { name: force, match: { args_pattern: "git\\\\s+push\\\\s+--force" }, decision: deny, reason: x }
  - { name: etc, match: { path_patterns: /etc/* }, decision: deny, reason: y }
  - { name: workspace, match: { path_patterns: [/workspace/*] }, decision: allow, reason: z }
`)
    expect(policy.evaluate(request({ args: { command: 'git push --force origin' } })).rule).toBe('force')
    expect(policy.evaluate(request({ args: { path: '/tmp/../etc/passwd' } })).rule).toBe('etc')
    expect(policy.evaluate(request({ args: { path: '/workspace/a', file: '/workspace/b' } })).rule).toBe(
      'workspace',
    )
    expect(policy.evaluate(request({ args: { path: '/workspace/a', file: '/home/x' } })).rule).toBeNull()
  })

  it('evaluates CEL conditions, failing closed on errors', () => {
    const policy = engine(`
rules:
  - { name: deny-big, match: { when: "args.replicas > 10" }, decision: deny, reason: big }
  - { name: allow-small, match: { when: "args.replicas <= 10" }, decision: allow, reason: small }
`)
    expect(policy.evaluate(request({ args: { replicas: 50 } })).rule).toBe('deny-big')
    expect(policy.evaluate(request({ args: { replicas: 5 } })).rule).toBe('allow-small')
    // args.replicas is missing: the deny matches, so the error cannot widen access.
    expect(policy.evaluate(request({ args: {} })).rule).toBe('deny-big')
    const allowOnly = engine(`
rules:
  - { name: allow-small, match: { when: "args.replicas <= 10" }, decision: allow, reason: small }
`)
    expect(allowOnly.evaluate(request({ args: {} })).rule).toBeNull()
  })
})

describe('native policy load errors', () => {
  it('rejects unknown keys, pointing at the key', () => {
    const error = load(`
rules:
  - name: typo
    match:
      targets: { enviroments: [dev] }
    decision: allow
    reason: x
`)
    expect(error.issues).toEqual([
      expect.objectContaining({ file: 'policy.yaml', line: 5, field: 'rules[0].match.targets.enviroments' }),
    ])
    expect(error.message).toContain("unknown key 'enviroments'")
  })

  it('collects every problem in the file', () => {
    const error = load(`
rules:
  - name: a
    match: { args_pattern: "rm(", when: "args.x >", time_windows: [{ days: [9], timezone: Mars/Base }] }
    decision: allow
    reason: x
  - name: b
    priority: high
    match: {}
    decision: permit
    reason: y
  - name: c
    match: { time_windows: [{ timezone: Mars/Base }], path_patterns: ["~("] }
    decision: deny
    reason: z
`)
    const fields = error.issues.map((i) => i.field)
    expect(fields).toEqual(
      expect.arrayContaining([
        'rules[0].match.time_windows[0].days[0]',
        'rules[1].priority',
        'rules[1].decision',
        'rules[2].match.time_windows[0].timezone',
        'rules[2].match.path_patterns',
      ]),
    )
    expect(error.issues.every((i) => i.line !== undefined && i.column !== undefined)).toBe(true)
  })

  it('reports invalid regex and CEL with the rule position', () => {
    const error = load(`
rules:
  - name: a
    match: { args_pattern: "rm(" }
    decision: deny
    reason: x
  - name: b
    match: { when: "args.x >" }
    decision: deny
    reason: x
`)
    expect(error.issues.map((i) => [i.field, i.line])).toEqual([
      ['rules[0].match.args_pattern', 4],
      ['rules[1].match.when', 8],
    ])
  })

  it("needs a 'rules' list", () => {
    expect(load('other: 1').message).toContain("Policy file must have a 'rules' key")
    expect(load('rules: {}').message).toContain("'rules' must be a list")
    expect(load('rules: []\npolicies: []').message).toContain("both 'rules' and 'policies'")
    expect(load('').message).toContain('policy file must be a mapping')
  })
})
