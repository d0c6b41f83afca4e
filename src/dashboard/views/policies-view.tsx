import type { Decision } from '../../policy/decision.js'
import type { PolicyRule } from '../../policy/policy-rule.js'
import { ruleOrigin, ruleVerdict } from '../rule-origin.js'

/** What the playground was asked. */
export interface PlaygroundInput {
  readonly action: string
  readonly target: string
  readonly caller: string
  readonly roles: string
  readonly groups: string
  readonly tenant: string
  readonly params: string
}

/** Each rule the engine considered for the action, and what became of it. */
export interface PlaygroundResult {
  readonly decision: Decision
  readonly considered: readonly {
    readonly rule: PolicyRule
    readonly fate: 'no match' | 'decided' | 'not reached'
  }[]
}

function RuleTable(props: { rules: readonly PolicyRule[] }) {
  return (
    <div class="table-wrap">
      <table class="rules">
        <thead>
          <tr>
            <th>#</th>
            <th>rule</th>
            <th>priority</th>
            <th>verdict</th>
            <th class="wide">from</th>
          </tr>
        </thead>
        <tbody>
          {props.rules.map((rule, i) => (
            <tr>
              <td>{i + 1}</td>
              <td>
                <code>{rule.name}</code>
              </td>
              <td>{rule.priority}</td>
              <td>{ruleVerdict(rule)}</td>
              <td class="wide">
                <code>{ruleOrigin(rule)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Playground(props: {
  base: string
  csrf: string
  input: PlaygroundInput
  result: PlaygroundResult | null
  error: string | null
}) {
  const { input, result } = props
  const field = (name: keyof PlaygroundInput, label: string, hint: string) => (
    <label>
      {label}
      <input type="text" name={name} value={input[name]} placeholder={hint} />
    </label>
  )
  return (
    <section class="playground" id="playground">
      <h2>Policy playground</h2>
      <p class="hint">
        The same evaluation as <code>airlock check</code>: nothing runs and nothing is audited.
      </p>
      <form method="post" action={`${props.base}/policies/playground#playground`} class="filters">
        <input type="hidden" name="csrf" value={props.csrf} />
        {field('action', 'action', 'issue_refund')}
        {field('target', 'target', 'prod-db (optional)')}
        {field('caller', 'caller', 'billing-agent (empty: anonymous)')}
        {field('roles', 'roles', 'agent,finance')}
        {field('groups', 'groups', '')}
        {field('tenant', 'tenant', 'default')}
        <label class="full">
          params (JSON object)
          <textarea name="params" rows={3} placeholder='{"invoice_id": "inv_1"}'>
            {input.params}
          </textarea>
        </label>
        <div class="buttons">
          <button type="submit" class="primary">
            Decide
          </button>
        </div>
      </form>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      {result ? (
        <div class="verdict" data-decision={result.decision.decision}>
          <p>
            <span class={`decision d-${result.decision.decision}`}>{result.decision.decision}</span> —{' '}
            <span class="reason">{result.decision.reason}</span>
          </p>
          <dl class="facts">
            <dt>Rule</dt>
            <dd>
              <code class="decided-by">{result.decision.rule ?? '(none)'}</code>
            </dd>
            <dt>Risk</dt>
            <dd>
              {result.decision.risk_class} → {result.decision.effective_risk}
            </dd>
            {result.decision.param_errors.map((p) => (
              <>
                <dt>Param</dt>
                <dd>{p.message}</dd>
              </>
            ))}
          </dl>
          <h3>Rules considered, in order</h3>
          {result.considered.length === 0 ? (
            <p class="empty">No rule applies to this action name.</p>
          ) : (
            <ol class="considered">
              {result.considered.map(({ rule, fate }) => (
                <li class={`fate-${fate.replace(' ', '-')}`}>
                  <code>{rule.name}</code> <small>{ruleOrigin(rule)}</small> — {fate}
                </li>
              ))}
            </ol>
          )}
        </div>
      ) : null}
    </section>
  )
}

/** The rules in evaluation order with their origin, then the playground. */
export function PoliciesView(props: {
  base: string
  csrf: string
  rules: readonly PolicyRule[]
  default_decision: string
  input: PlaygroundInput
  result: PlaygroundResult | null
  error: string | null
}) {
  return (
    <section class="policies">
      <h1>Policies</h1>
      <p class="hint">
        Evaluated top to bottom; the first rule that matches decides. With none matching:{' '}
        {props.default_decision}.{' '}
        <a href={`${props.base}/policies/shadow`} class="shadow-link">
          Shadow candidate report
        </a>
      </p>
      <RuleTable rules={props.rules} />
      <Playground
        base={props.base}
        csrf={props.csrf}
        input={props.input}
        result={props.result}
        error={props.error}
      />
    </section>
  )
}
