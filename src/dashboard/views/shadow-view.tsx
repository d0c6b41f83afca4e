import type { ShadowHistoryReport } from '../../pipeline/policy/shadow-history.js'
import type { Transition } from '../../policy/versioning/difference-report.js'
import { RANGES, type RangeName } from './overview-view.js'

/** The largest few of `counts`, most first, as `name n` pairs. */
function top(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 5)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')
}

function TransitionRow(props: { base: string; t: Transition }) {
  const { t } = props
  return (
    <tr data-transition={`${t.from}>${t.to}`}>
      <td>
        <span class={`decision d-${t.from}`}>{t.from}</span> →{' '}
        <span class={`decision d-${t.to}`}>{t.to}</span>
      </td>
      <td class="count">{t.count}</td>
      <td>{top(t.by_rule)}</td>
      <td>{top(t.by_action)}</td>
      <td>{top(t.by_caller)}</td>
      <td class="wide">
        {t.examples.map((e) => (
          <a href={`${props.base}/audit?request_id=${encodeURIComponent(e.request_id)}`}>
            <code>{e.request_id}</code>
          </a>
        ))}
      </td>
    </tr>
  )
}

/**
 * How the shadow candidate decided differently from the enforced set on
 * every replica, counted from the audit log over a time range.
 */
export function ShadowView(props: { base: string; range: RangeName; report: ShadowHistoryReport }) {
  const { base, range, report } = props
  return (
    <section class="shadow">
      <h1>Shadow candidate</h1>
      <p class="hint">
        What the candidate policy would have decided differently, on every replica, from the verdicts kept in
        the audit log. Only the enforced decision took effect.{' '}
        <a href={`${base}/policies`}>Back to policies</a>
      </p>
      <nav class="ranges" aria-label="Time range">
        {(Object.keys(RANGES) as RangeName[]).map((r) => (
          <a href={`${base}/policies/shadow?range=${r}`} class={r === range ? 'current' : ''}>
            {r}
          </a>
        ))}
      </nav>
      {report.candidate_version === null ? (
        <p class="empty">No request was shadowed in the last {RANGES[range].label}.</p>
      ) : (
        <>
          <div class="tiles">
            <div class="tile">
              <span class="big compared">{report.compared}</span> requests compared
            </div>
            <div class="tile">
              <span class="big changed">{report.changed}</span> would change
            </div>
            <div class="tile">
              candidate <code class="candidate">{report.candidate_version}</code>
              <small> vs enforced {report.enforced_version ?? 'several versions'}</small>
            </div>
          </div>
          {report.complete ? null : (
            <p class="flash error">
              Counted the newest {report.events_read} events only; older ones were not read.
            </p>
          )}
          {report.transitions.length === 0 ? (
            <p class="empty">The candidate decided every request as the enforced set did.</p>
          ) : (
            <div class="table-wrap">
              <table class="transitions">
                <thead>
                  <tr>
                    <th>change</th>
                    <th>requests</th>
                    <th>by rule</th>
                    <th>by action</th>
                    <th>by caller</th>
                    <th class="wide">examples</th>
                  </tr>
                </thead>
                <tbody>
                  {report.transitions.map((t) => (
                    <TransitionRow base={base} t={t} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  )
}
