/**
 * Change announcements over PostgreSQL `LISTEN`/`NOTIFY`.
 *
 * @remarks One listening connection per store (so per process), taken from
 * the pool while anyone in the process is subscribed and given back when
 * nobody is. A lost connection (a restart, a failover, an idle kill) is
 * replaced every second until the database answers again; while none is
 * listening, {@link ChangeFeed.live} is false and waiters poll. All schemas
 * share one channel; the payload names the schema, so stores in other
 * schemas of the same database ignore each other's announcements.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ChangeFeed } from '../change-feed.js'
import type { PostgresConnection } from './postgres-connection.js'
import type { PostgresNotification, PostgresPoolClient } from './postgres-store-config.js'

const CHANNEL = 'airlock_changes'
const RETRY_MS = 1_000

/** A {@link ChangeFeed} that can be shut down with its store. */
export interface PostgresChangeFeed extends ChangeFeed {
  /** Stops listening for good and gives the connection back. */
  close(): Promise<void>
}

/** The change feed of the store on `c`'s schema. */
export function postgresChangeFeed(c: PostgresConnection): PostgresChangeFeed {
  const prefix = `${c.schemaName} `
  const listeners = new Map<string, Set<(key: string) => void>>()
  const state = { live: false, closed: false }
  let stop: (() => void) | null = null
  let running: Promise<void> | null = null

  const wanted = () => !state.closed && [...listeners.values()].some((set) => set.size > 0)

  const deliver = (message: PostgresNotification) => {
    const payload = message.payload
    if (message.channel !== CHANNEL || !payload?.startsWith(prefix)) return
    const space = payload.indexOf(' ', prefix.length)
    if (space < 0) return
    const key = payload.slice(space + 1)
    for (const listener of listeners.get(payload.slice(prefix.length, space)) ?? []) listener(key)
  }

  const listen = (client: PostgresPoolClient) =>
    holdListening(client, deliver, {
      onLive: (live) => {
        state.live = live
      },
      onStop: (fn) => {
        stop = fn
      },
    })

  const ensure = () => {
    if (running || !wanted()) return
    running = (async () => {
      while (wanted()) {
        try {
          await c.session('changes.listen', listen)
        } catch {
          // The connection's circuit reports the outage once; try again shortly.
          if (wanted()) await sleep(RETRY_MS, undefined, { ref: false })
        }
      }
    })().finally(() => {
      running = null
      ensure()
    })
  }

  return {
    get live() {
      return state.live
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic)
      if (!set) {
        set = new Set()
        listeners.set(topic, set)
      }
      const own = (key: string) => listener(key)
      set.add(own)
      ensure()
      return () => {
        set.delete(own)
        if (!wanted()) stop?.()
      }
    },
    async publish(topic, keys) {
      if (keys.length === 0) return
      await c.query('changes.publish', 'SELECT pg_notify($1, $2 || k) FROM unnest($3::text[]) AS k', [
        CHANNEL,
        `${prefix}${topic} `,
        [...keys],
      ])
    },
    async close() {
      state.closed = true
      stop?.()
      await running
    },
  }
}

/**
 * Listens on `client` until `stop` is called (then `UNLISTEN`s, so the
 * connection goes back to the pool clean) or the connection fails (then
 * rejects, so the session destroys it).
 */
async function holdListening(
  client: PostgresPoolClient,
  deliver: (message: PostgresNotification) => void,
  hooks: { onLive(live: boolean): void; onStop(stop: (() => void) | null): void },
): Promise<void> {
  let onError: (error: Error) => void = () => undefined
  let onEnd: () => void = () => undefined
  // Losing this one connection (an idle kill, a pooler recycling it) says little about the database:
  // the error is kept from the store's circuit, and the reconnect that follows finds out.
  const ended = new Promise<void>((resolve, reject) => {
    onError = (error) => reject(new Error('the listening connection was lost', { cause: error }))
    onEnd = () => reject(new Error('the listening connection was lost'))
    hooks.onStop(resolve)
  })
  // Observed here so a failure before `await ended` is not an unhandled rejection.
  ended.catch(() => undefined)
  client.on?.('notification', deliver)
  client.on?.('error', onError)
  client.on?.('end', onEnd)
  try {
    await client.query(`LISTEN ${CHANNEL}`)
    hooks.onLive(true)
    await ended
    await client.query(`UNLISTEN ${CHANNEL}`)
  } finally {
    hooks.onLive(false)
    hooks.onStop(null)
    client.off?.('notification', deliver)
    client.off?.('error', onError)
    client.off?.('end', onEnd)
  }
}
