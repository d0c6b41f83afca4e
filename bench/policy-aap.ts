/**
 * Synthetic agent-action-policy rule sets for the policy benchmark: half of
 * the rules are `tool: '*'` rules with an `args_pattern`, the case the
 * literal index exists for.
 *
 * @module
 */
import { localPrincipal } from '../src/identity/principal.js'
import { type AapRule, aapRuleSchema, compileAapRule } from '../src/policy/aap/index.js'
import type { PolicyRequest } from '../src/policy/policy-rule.js'

function aapSpec(i: number): unknown {
  const base = { name: `aap-${i}`, reason: `synthetic rule ${i}` }
  switch (i % 4) {
    case 0:
      return { ...base, match: { tool: '*', args_pattern: `secret-${i}\\b` }, action: 'deny' }
    case 1:
      return {
        ...base,
        match: { tool: '*', args_pattern: `curl\\s+\\S*host-${i}\\.example` },
        action: 'escalate',
      }
    case 2:
      return { ...base, match: { tool: `tool-${i}`, args_pattern: 'rm\\s+-rf' }, action: 'deny' }
    default:
      return {
        ...base,
        match: { tool: `fam-${i % 500}-*`, args_pattern: 'DROP\\s+TABLE' },
        action: 'escalate',
      }
  }
}

/** `count` rules plus two wildcard rules without a usable literal (always evaluated). */
export function buildAapRules(count: number): AapRule[] {
  const specs = [
    { name: 'aap-password', match: { tool: '*', args_pattern: '(?i)password' }, action: 'deny' },
    ...Array.from({ length: count }, (_, i) => aapSpec(i)),
    { name: 'aap-any-approve', match: { tool: '*', args_pattern: '.' }, action: 'approve' },
  ]
  return specs.map((spec) => {
    const { rule, issues } = compileAapRule(
      aapRuleSchema.parse(spec),
      { file: 'bench' },
      (_path, message) => ({
        file: 'bench',
        message,
      }),
    )
    if (!rule) throw new Error(issues.map((issue) => issue.message).join('; '))
    return rule
  })
}

/** Requests whose arguments hit some wildcard rules' literals and miss most. */
export function buildAapRequests(count: number, ruleCount: number, random: () => number): PolicyRequest[] {
  const caller = localPrincipal('agent-1')
  const requests: PolicyRequest[] = []
  for (let i = 0; i < count; i++) {
    const n = Math.floor(random() * ruleCount)
    const pick = random()
    const action = pick < 0.3 ? `tool-${n}` : pick < 0.6 ? `fam-${n % 500}-op` : 'shell'
    const command =
      pick < 0.15
        ? `curl -s https://host-${n}.example/status`
        : pick < 0.3
          ? `echo secret-${n} > /tmp/out`
          : `git status --short && ls -la /srv/app-${n}`
    requests.push({
      action,
      definition: undefined,
      args: { command, cwd: '/srv', timeout: 30 },
      target_id: null,
      target: undefined,
      caller,
      risk_class: 'medium',
      effective_risk: 'medium',
      ticket_id: null,
      now: new Date(),
    })
  }
  return requests
}
