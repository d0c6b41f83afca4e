import type { AuditEvent } from '../../audit/audit-event.js'
import { prettyJson, shortTime } from '../format.js'
import { ApprovalCard, type ApprovalCardData } from './approval-card.js'
import { EventTable } from './event-table.js'

/** One approval: the card while pending, else its outcome; then its votes and audit trail. */
export function ApprovalView(props: {
  base: string
  csrf: string
  data: ApprovalCardData
  events: readonly AuditEvent[]
}) {
  const { approval } = props.data
  return (
    <section class="approval-detail">
      <p class="crumbs">
        <a href={`${props.base}/inbox`}>Inbox</a> / {approval.id}
      </p>
      {approval.status === 'pending' ? (
        <ApprovalCard base={props.base} csrf={props.csrf} data={props.data} now={Date.now()} />
      ) : (
        <article class="card">
          <h1>
            {approval.action} <span class={`status st-${approval.status}`}>{approval.status}</span>
          </h1>
          <dl class="facts">
            <dt>Asked by</dt>
            <dd>{approval.requester}</dd>
            <dt>Target</dt>
            <dd>{approval.target ?? '(none)'}</dd>
            <dt>Decided by</dt>
            <dd>
              {approval.decided_by ?? '—'} at {shortTime(approval.decided_at)}
              {approval.comment ? <q>{approval.comment}</q> : null}
            </dd>
            <dt>Completed</dt>
            <dd>{shortTime(approval.completed_at)}</dd>
          </dl>
          <h2>Outcome</h2>
          <pre class="json outcome">{prettyJson(approval.outcome)}</pre>
        </article>
      )}
      <h2>Votes</h2>
      {approval.votes.length === 0 ? (
        <p class="empty">No votes yet.</p>
      ) : (
        <ul class="history">
          {approval.votes.map((v) => (
            <li>
              {v.approver} at {shortTime(v.at)}
              {v.comment ? <q>{v.comment}</q> : null}
            </li>
          ))}
        </ul>
      )}
      <h2>Audit trail</h2>
      <EventTable base={props.base} events={props.events} />
    </section>
  )
}
