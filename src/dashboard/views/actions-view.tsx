import type { ActionDefinition } from '../../actions/action-definition.js'
import { prettyJson } from '../format.js'

/** The action catalogue: schema, risk, targets, approvals and rollback of each action. */
export function ActionsView(props: { actions: readonly ActionDefinition[] }) {
  return (
    <section class="actions">
      <h1>Actions</h1>
      {props.actions.length === 0 ? <p class="empty">No actions are registered.</p> : null}
      {props.actions.map((a) => (
        <article class="card" id={`action-${a.name}`}>
          <header>
            <h2>{a.name}</h2>
            <span class={`risk risk-${a.risk}`}>risk {a.risk}</span>
            {a.approval_required ? <span class="badge">needs approval</span> : null}
            {a.handler ? null : <span class="badge">no handler here</span>}
          </header>
          <p>{a.description}</p>
          <dl class="facts">
            <dt>Targets</dt>
            <dd>{a.target_types.length > 0 ? a.target_types.join(', ') : '(none)'}</dd>
            <dt>Scopes</dt>
            <dd>{a.required_scopes.length > 0 ? a.required_scopes.join(', ') : '(none)'}</dd>
            <dt>Approvers</dt>
            <dd>
              {a.required_approvals} of{' '}
              {a.approver_roles.length > 0 ? a.approver_roles.join(', ') : 'the default roles'}
            </dd>
            <dt>Rollback</dt>
            <dd>
              {a.meta.rollback === undefined ? (
                '(none declared)'
              ) : (
                <pre class="json">{prettyJson(a.meta.rollback)}</pre>
              )}
            </dd>
            <dt>Defined in</dt>
            <dd>
              <code>{a.source}</code>
            </dd>
          </dl>
          <details>
            <summary>Input schema</summary>
            <pre class="json">{prettyJson(a.input_schema)}</pre>
          </details>
        </article>
      ))}
    </section>
  )
}
