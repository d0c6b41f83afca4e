import type { AuditEvent } from '../../audit/audit-event.js'
import type { ChainReport } from '../chain-status.js'
import { shortTime } from '../format.js'

/** Green when the chain verifies, red naming the first bad event when it does not. */
export function ChainBanner(props: { base: string; report: ChainReport; bad: AuditEvent | null }) {
  const { result, at } = props.report
  if (result.valid) {
    return (
      <p class="chain ok" role="status">
        Chain verified up to seq {result.count} at {shortTime(at.toISOString())}.
      </p>
    )
  }
  return (
    <p class="chain broken" role="alert">
      Chain BROKEN at seq {result.seq}: {result.reason}.{' '}
      {props.bad ? (
        <a href={`${props.base}/audit/events/${props.bad.seq}`}>First bad event: {props.bad.id}</a>
      ) : (
        'The first bad event is outside your tenant.'
      )}{' '}
      Checked at {shortTime(at.toISOString())}; {result.count} events before it verify.
    </p>
  )
}
