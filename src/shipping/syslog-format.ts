/**
 * Audit events as RFC 5424 syslog messages, framed by octet counting
 * (RFC 6587 §3.4.1) for TCP and TLS (RFC 5425).
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import { canonicalJson } from '../audit/canonical-json.js'

/** How messages are labelled. */
export interface SyslogFormat {
  /** Syslog facility, 0–23. Default 13 (log audit). */
  readonly facility?: number
  /** HOSTNAME field. */
  readonly hostname: string
  /** APP-NAME field. Default `airlock`. */
  readonly app_name?: string
  /** SD-ID of the structured data element. Default `airlock@32473` (the enterprise number RFC 5612 sets aside for examples). */
  readonly sd_id?: string
}

// Statuses a SIEM should notice: warning (4); everything else informational (6).
const WARNING = new Set(['denied', 'failed', 'policy_rejected', 'frozen'])

/** Header fields allow printable ASCII without spaces, up to a length; anything else becomes `-`. */
function field(value: string, max: number): string {
  return /^[\x21-\x7e]+$/.test(value) ? value.slice(0, max) : '-'
}

/** SD-PARAM values escape `"`, `\` and `]` (RFC 5424 §6.3.3). */
function paramValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`)
}

/**
 * One event as an RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID
 * [sd seq hash] BOM{canonical JSON}`, MSGID being the event's status.
 */
export function syslogMessage(event: AuditEvent, format: SyslogFormat): string {
  const facility = format.facility ?? 13
  const severity = WARNING.has(event.status) ? 4 : 6
  const sd = `[${format.sd_id ?? 'airlock@32473'} seq="${event.seq}" hash="${paramValue(event.hash)}" tenant="${paramValue(event.tenant_id)}"]`
  const header = `<${facility * 8 + severity}>1 ${field(event.ts, 64)} ${field(format.hostname, 255)} ${field(format.app_name ?? 'airlock', 48)} - ${field(event.status, 32)}`
  return `${header} ${sd} \uFEFF${canonicalJson(event)}`
}

/** Octet-counting frame: `<byte length> <message>`. */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8')
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body])
}
