/**
 * Cedar policies as an Airlock policy rule.
 *
 * @remarks Needs the optional peer `@cedar-policy/cedar-wasm`. Evaluation is
 * synchronous (the Node.js build of the WebAssembly module) and the policy
 * set is parsed once, at construction.
 *
 * @module
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs'
import { ConfigError } from '../../errors/config-error.js'
import type { DecisionResult } from '../decision.js'
import type { ActionFilter, PolicyRequest, PolicyRule, RuleVerdict } from '../policy-rule.js'
import { toActionFilter } from '../rules/rule-options.js'
import { type CedarEntity, toCedarContext, toCedarEntities } from './cedar-request.js'

/** Configuration of {@link cedarRule}. */
export interface CedarRuleConfig {
  /** Cedar policy text (one or more `permit`/`forbid` policies). */
  readonly policies: string
  /** Extra entities (Cedar JSON entity format), e.g. role hierarchies. Merged with the request's own entities. */
  readonly entities?: readonly CedarEntity[]
  /** Default `cedar`. */
  readonly name?: string
  /** Default 0. */
  readonly priority?: number
  /** Which actions the rule applies to. Default: every action. */
  readonly actions?: readonly string[] | ActionFilter
  /**
   * What to do when no policy is determining (no permit and no forbid matched).
   * `deny` (default) follows Cedar's own default-deny; `abstain` returns no
   * verdict so lower-priority rules decide.
   */
  readonly noMatch?: 'deny' | 'abstain'
  /** Used in error messages. Default `<cedar>`. */
  readonly source?: string
}

let nextSetId = 0
const SET_PREFIX = `airlock-${Math.random().toString(36).slice(2, 10)}`

function annotationsOf(text: string): Record<string, string> {
  const json = cedar.policyToJson(text)
  return json.type === 'success' ? (json.json.annotations ?? {}) : {}
}

/**
 * A rule that asks Cedar. The request becomes principal `Agent::"<actor_id>"`
 * (`Anonymous::"anonymous"` without a caller), action `Action::"<action>"`
 * and resource `Target::"<target id>"` (`Target::"__none__"` without a
 * target); see {@link toCedarContext} for the context.
 *
 * @remarks
 * - A determining `permit` → `allow`; one annotated
 *   `@decision("require_approval")` → `require_approval` (if several permits
 *   determine the outcome and any asks for approval, approval wins).
 * - A determining `forbid` → `deny`, naming the policy.
 * - No determining policy → `deny` (or no verdict with `noMatch: 'abstain'`).
 * - A policy that errors while evaluating (e.g. a missing attribute) makes the
 *   verdict `deny`: Cedar would otherwise skip an erroring `forbid`.
 * - Policy ids are `@id("…")` annotations where given, else `policy0`, `policy1`, …
 *
 * @throws ConfigError when the policy text does not parse.
 */
export function cedarRule(config: CedarRuleConfig): PolicyRule {
  const source = config.source ?? '<cedar>'
  const parts = cedar.policySetTextToParts(config.policies)
  if (parts.type === 'failure') {
    throw new ConfigError(parts.errors.map((e) => ({ file: source, message: cedarMessage(e) })))
  }
  if (parts.policy_templates.length > 0) {
    throw new ConfigError([
      { file: source, message: 'Cedar policy templates (?principal/?resource slots) are not supported' },
    ])
  }
  const staticPolicies: Record<string, string> = {}
  const approvalPolicies = new Set<string>()
  parts.policies.forEach((text, i) => {
    const annotations = annotationsOf(text)
    const id = annotations.id ?? `policy${i}`
    if (Object.hasOwn(staticPolicies, id)) {
      throw new ConfigError([{ file: source, message: `Duplicate Cedar policy id ${JSON.stringify(id)}` }])
    }
    staticPolicies[id] = text
    if (annotations.decision === 'require_approval') approvalPolicies.add(id)
    else if (annotations.decision !== undefined && annotations.decision !== 'allow') {
      throw new ConfigError([
        { file: source, message: `Policy ${id}: @decision must be "allow" or "require_approval"` },
      ])
    }
  })
  const setId = `${SET_PREFIX}-${nextSetId++}`
  const parsed = cedar.preparsePolicySet(setId, { staticPolicies })
  if (parsed.type === 'failure') {
    throw new ConfigError(parsed.errors.map((e) => ({ file: source, message: cedarMessage(e) })))
  }
  const extra = config.entities ?? []
  const name = config.name ?? 'cedar'
  const noMatch = config.noMatch ?? 'deny'
  const verdict = (decision: DecisionResult, reason: string): RuleVerdict => ({
    decision,
    reason,
    rule: name,
  })

  return {
    name,
    priority: config.priority ?? 0,
    actions: toActionFilter(config.actions),
    evaluate(request: PolicyRequest): RuleVerdict | null {
      const { principal, action, resource, entities } = toCedarEntities(request, extra)
      const answer = cedar.statefulIsAuthorized({
        principal,
        action,
        resource,
        context: toCedarContext(request),
        preparsedPolicySetId: setId,
        entities,
      })
      if (answer.type === 'failure') {
        return verdict(
          'deny',
          `Cedar could not evaluate the request: ${answer.errors.map(cedarMessage).join('; ')}`,
        )
      }
      const { decision, diagnostics } = answer.response
      if (diagnostics.errors.length > 0) {
        const ids = diagnostics.errors.map((e) => e.policyId).join(', ')
        return verdict('deny', `Cedar policy failed to evaluate (${ids}); failing closed`)
      }
      const ids = diagnostics.reason
      if (decision === 'allow') {
        const approval = ids.filter((id) => approvalPolicies.has(id))
        return approval.length > 0
          ? verdict('require_approval', `Cedar policy ${approval.join(', ')} requires approval`)
          : verdict('allow', `Permitted by Cedar policy ${ids.join(', ')}`)
      }
      if (ids.length > 0) return verdict('deny', `Forbidden by Cedar policy ${ids.join(', ')}`)
      return noMatch === 'abstain' ? null : verdict('deny', 'No Cedar policy permits this request')
    },
  }
}

function cedarMessage(error: { message: string; help: string | null }): string {
  return error.help ? `${error.message} (${error.help})` : error.message
}
