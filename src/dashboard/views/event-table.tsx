import type { AuditEvent } from '../../audit/audit-event.js'
import { shortTime } from '../format.js'

/** Audit events as a table; each row links to the event's detail. */
export function EventTable(props: { base: string; events: readonly AuditEvent[] }) {
  if (props.events.length === 0) return <p class="empty">No events match.</p>
  return (
    <div class="table-wrap">
      <table class="events">
        <thead>
          <tr>
            <th>seq</th>
            <th>time</th>
            <th>status</th>
            <th>action</th>
            <th>actor</th>
            <th class="wide">target</th>
            <th class="wide">rule</th>
            <th class="wide">approval</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((e) => (
            <tr>
              <td>
                <a href={`${props.base}/audit/events/${e.seq}`}>{e.seq}</a>
              </td>
              <td class="nowrap">{shortTime(e.ts)}</td>
              <td>
                <span class={`status st-${e.status}`}>{e.status}</span>
              </td>
              <td>{e.action}</td>
              <td>{e.actor}</td>
              <td class="wide">{e.target ?? ''}</td>
              <td class="wide">{e.rule ?? ''}</td>
              <td class="wide">
                {e.approval_id ? (
                  <a href={`${props.base}/approvals/${e.approval_id}`}>{e.approval_id}</a>
                ) : (
                  ''
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
