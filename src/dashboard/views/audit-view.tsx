import type { AuditEvent } from '../../audit/audit-event.js'
import { AUDIT_STATUSES } from '../../audit/audit-event.js'
import { DECISION_RESULTS } from '../../policy/decision.js'
import { type AuditQuery, auditSearch } from '../audit-query.js'
import { EventTable } from './event-table.js'

function Field(props: { name: keyof AuditQuery; label: string; query: AuditQuery; type?: string }) {
  const value = props.query[props.name]
  return (
    <label>
      {props.label}
      <input
        type={props.type ?? 'text'}
        name={props.name}
        value={props.type === 'datetime-local' && value ? value.slice(0, 16) : (value ?? '')}
      />
    </label>
  )
}

function Choice(props: { name: 'status' | 'decision'; options: readonly string[]; query: AuditQuery }) {
  return (
    <label>
      {props.name}
      <select name={props.name}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option value={o} selected={props.query[props.name] === o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The explorer: filters, one page of events, the next-page link and the export. */
export function AuditView(props: {
  base: string
  query: AuditQuery
  events: readonly AuditEvent[]
  next_cursor: string | null
  error: string | null
}) {
  const { base, query } = props
  return (
    <section class="audit">
      <h1>Audit explorer</h1>
      <form method="get" action={`${base}/audit`} class="filters">
        <Field name="since" label="from (UTC)" type="datetime-local" query={query} />
        <Field name="until" label="to (UTC)" type="datetime-local" query={query} />
        <Field name="actor" label="actor" query={query} />
        <Field name="action" label="action" query={query} />
        <Field name="target" label="target" query={query} />
        <Choice name="status" options={AUDIT_STATUSES} query={query} />
        <Choice name="decision" options={DECISION_RESULTS} query={query} />
        <Field name="rule" label="rule" query={query} />
        <Field name="approval_id" label="approval" query={query} />
        <div class="buttons">
          <button type="submit" class="primary">
            Filter
          </button>
          <a href={`${base}/audit`}>Clear</a>
          <a href={`${base}/audit/export${auditSearch(query, null)}`} download>
            Export JSONL
          </a>
        </div>
      </form>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      <EventTable base={base} events={props.events} />
      <nav class="pager">
        {query.cursor ? <a href={`${base}/audit${auditSearch(query, null)}`}>Newest</a> : null}
        {props.next_cursor ? (
          <a href={`${base}/audit${auditSearch(query, props.next_cursor)}`} rel="next" data-key="next">
            Older →
          </a>
        ) : null}
      </nav>
    </section>
  )
}
