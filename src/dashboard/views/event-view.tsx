import type { AuditEvent } from '../../audit/audit-event.js'
import { prettyJson, shortTime } from '../format.js'

/** One event: the whole redacted record, its place in the chain and its hashes. */
export function EventView(props: { base: string; event: AuditEvent; verified_count: number | null }) {
  const { event } = props
  const { seq, prev_hash, hash, ...record } = event
  const verified = props.verified_count !== null && seq <= props.verified_count
  return (
    <section class="event">
      <p class="crumbs">
        <a href={`${props.base}/audit`}>Audit</a> / seq {seq}
      </p>
      <h1>
        {event.action} <span class={`status st-${event.status}`}>{event.status}</span>
      </h1>
      <dl class="facts">
        <dt>Event</dt>
        <dd>
          <code>{event.id}</code> at {shortTime(event.ts)}
        </dd>
        <dt>Chain position</dt>
        <dd>
          seq {seq}{' '}
          {verified ? <span class="badge ok">verified</span> : <span class="badge">not verified</span>}
        </dd>
        <dt>Previous hash</dt>
        <dd>
          <code class="hash">{prev_hash}</code>
        </dd>
        <dt>Hash</dt>
        <dd>
          <code class="hash">{hash}</code>
        </dd>
        <dt>Request</dt>
        <dd>
          <a href={`${props.base}/audit?request_id=${encodeURIComponent(event.request_id)}`}>
            {event.request_id}
          </a>
        </dd>
      </dl>
      <h2>Record (redacted)</h2>
      <pre class="json">{prettyJson(record)}</pre>
    </section>
  )
}
