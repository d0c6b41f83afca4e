/**
 * One OS process of the cross-process ticket test: opens its own store
 * connection, waits for `go`, then tries to redeem the shared ticket.
 *
 * @module
 */
import type { JsonWebKeySet } from '../../../src/identity/tokens/key-set.js'
import { postgresStore } from '../../../src/store/postgres/index.js'
import { sqliteStore } from '../../../src/store/sqlite/index.js'
import { validateTicket } from '../../../src/tickets/validate-ticket.js'

/** What the parent asks one worker to do. */
export interface TicketTask {
  readonly backend:
    | { readonly kind: 'sqlite'; readonly path: string }
    | { readonly kind: 'postgres'; readonly url: string; readonly schema: string }
  readonly jwks: JsonWebKeySet
  readonly token: string
  readonly expected: {
    readonly action: string
    readonly target: string
    readonly params: Record<string, unknown>
    readonly caller: string
    readonly tenant: string
  }
  /** Concurrent attempts inside this process. */
  readonly attempts: number
}

const task = JSON.parse(process.argv[2]!) as TicketTask
const store =
  task.backend.kind === 'sqlite'
    ? sqliteStore({ path: task.backend.path })
    : postgresStore({ connectionString: task.backend.url, schema: task.backend.schema, max: 4 })

try {
  await store.ping()
  process.send!({ type: 'ready' })
  await new Promise<void>((resolve) => process.once('message', () => resolve()))
  const results = await Promise.all(
    Array.from({ length: task.attempts }, () =>
      validateTicket(task.jwks, task.token, task.expected, store.nonces),
    ),
  )
  process.send!({ type: 'done', results: results.map((r) => (r.valid ? 'valid' : r.code)) })
} catch (error) {
  process.send!({ type: 'error', message: error instanceof Error ? error.message : String(error) })
} finally {
  await store.close()
}
