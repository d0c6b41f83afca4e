/**
 * A custom channel: approval requests are appended to an outbox file (one
 * JSON object per line), the way an email or ticketing integration would
 * hand them on. The decision arrives later through the gateway or CLI, so
 * `notify` returns null once the request is written.
 *
 * @module
 */
import { appendFile } from 'node:fs/promises'
import type { Channel } from 'airlock'

/** Writes each approval request to `path` as a JSON line addressed to `to`. */
export function outboxChannel(path: string, to: string): Channel {
  return {
    name: 'outbox',
    async notify(notice) {
      const mail = {
        to,
        subject: `Approval needed: ${notice.action} (${notice.approval_id})`,
        body: `${notice.description}\nWhy: ${notice.reason}\nArguments: ${JSON.stringify(notice.inputs)}\nExpires: ${notice.expires_at}`,
        approval_id: notice.approval_id,
      }
      // A failed write rejects, which the guard records as an undelivered notification.
      await appendFile(path, `${JSON.stringify(mail)}\n`, { mode: 0o600 })
      return null
    },
  }
}
