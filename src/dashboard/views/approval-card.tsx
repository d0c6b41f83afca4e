import type { AuditEvent } from '../../audit/audit-event.js'
import type { Target } from '../../inventory/target.js'
import type { Approval } from '../../store/store.js'
import { humanDuration, prettyJson, shortTime } from '../format.js'

/** What a card shows besides the approval itself. */
export interface ApprovalCardData {
  readonly approval: Approval
  /** Who delegated to the requester, oldest first (from the held event). */
  readonly delegated_by: readonly string[]
  readonly target: Target | undefined
  /** Earlier approved or rejected decisions on the same action, newest first. */
  readonly history: readonly AuditEvent[]
}

function Quorum(props: { approval: Approval }) {
  const { approval } = props
  const have = approval.votes.length
  const need = approval.required_approvals
  return (
    <span class="quorum" title={approval.votes.map((v) => v.approver).join(', ')}>
      {have} of {need} approvals
    </span>
  )
}

function DecisionForms(props: { base: string; csrf: string; approval: Approval }) {
  const { base, csrf, approval } = props
  const action = `${base}/approvals/${encodeURIComponent(approval.id)}`
  // One form, two buttons: the comment goes with either decision, and it works without the script.
  return (
    <form method="post" action={`${action}/approve`} class="decide">
      <input type="hidden" name="csrf" value={csrf} />
      <input
        type="text"
        name="comment"
        placeholder="Comment (optional)"
        maxlength={2000}
        aria-label="Comment"
      />
      <button type="submit" class="approve" data-confirm={`Approve ${approval.action} (${approval.id})?`}>
        Approve <kbd>y</kbd>
      </button>
      <button
        type="submit"
        class="reject"
        formaction={`${action}/reject`}
        data-confirm={`Reject ${approval.action} (${approval.id})?`}
      >
        Reject <kbd>n</kbd>
      </button>
    </form>
  )
}

/** One pending approval with everything an approver needs to decide it. */
export function ApprovalCard(props: { base: string; csrf: string; data: ApprovalCardData; now: number }) {
  const { approval, target, history, delegated_by } = props.data
  const left = Date.parse(approval.expires_at) - props.now
  return (
    <article class="card approval" id={approval.id} data-approval={approval.id} tabindex={0}>
      <header>
        <h2>
          <a href={`${props.base}/approvals/${encodeURIComponent(approval.id)}`}>{approval.action}</a>
        </h2>
        <span class={`risk risk-${approval.effective_risk}`}>risk {approval.effective_risk}</span>
        <Quorum approval={approval} />
        <span class="expires" data-expires={approval.expires_at} title={approval.expires_at}>
          {left > 0 ? `expires in ${humanDuration(left)}` : 'expired'}
        </span>
      </header>
      <dl class="facts">
        <dt>Asked by</dt>
        <dd>
          {approval.requester}
          {delegated_by.length > 0 ? <small> on behalf of {delegated_by.join(' → ')}</small> : null}
        </dd>
        <dt>Target</dt>
        <dd>
          {approval.target ?? '(none)'}
          {target ? (
            <small class={`sensitivity s-${target.sensitivity}`}>
              {' '}
              {target.environment} · {target.sensitivity}
            </small>
          ) : null}
        </dd>
        <dt>Rule</dt>
        <dd>
          <code>{approval.rule ?? '(default)'}</code> — {approval.reason}
        </dd>
        <dt>Asked at</dt>
        <dd>{shortTime(approval.created_at)}</dd>
      </dl>
      <details open>
        <summary>Inputs (redacted as approvers see them)</summary>
        <pre class="json">{prettyJson(approval.inputs)}</pre>
      </details>
      {history.length > 0 ? (
        <details>
          <summary>Earlier decisions on {approval.action}</summary>
          <ul class="history">
            {history.map((e) => (
              <li>
                <span class={`status st-${e.status}`}>{e.status}</span> by {e.approver ?? e.actor} at{' '}
                {shortTime(e.ts)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <DecisionForms base={props.base} csrf={props.csrf} approval={approval} />
    </article>
  )
}

/** The inbox list: the part the live stream refreshes. */
export function InboxList(props: {
  base: string
  csrf: string
  cards: readonly ApprovalCardData[]
  now: number
}) {
  return (
    <div id="inbox-list" data-count={props.cards.length}>
      {props.cards.length === 0 ? (
        <p class="empty">Nothing is waiting for a decision.</p>
      ) : (
        props.cards.map((data) => (
          <ApprovalCard base={props.base} csrf={props.csrf} data={data} now={props.now} />
        ))
      )}
    </div>
  )
}
