import { randomBytes } from 'node:crypto'
import type { Principal } from '../identity/principal.js'

/** A signed-in dashboard user. */
export interface Session {
  readonly id: string
  readonly principal: Principal
  /** Sent back with every state change; compared in constant time. */
  readonly csrf: string
  readonly created_at: number
  /** Absolute end: the session TTL, or the JWT's own expiry when that comes first. */
  readonly expires_at: number
  last_seen: number
  /** One message shown on the next page (the outcome of a decision). */
  flash: { readonly kind: 'ok' | 'error'; readonly text: string } | null
}

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  /** Longest a session lives, in ms. */
  readonly ttl_ms: number
  /** A session unused this long ends, in ms. */
  readonly idle_ms: number
  readonly now?: () => number
}

const token = () => randomBytes(32).toString('base64url')

/**
 * Dashboard sessions, in this process's memory.
 *
 * @remarks The id is 256 random bits and is the only thing the browser
 * holds; the principal never leaves the server. Sessions do not survive a
 * restart and are not shared between gateway replicas: behind a load
 * balancer, pin dashboard users to one replica (or sign in again).
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>()
  readonly #options: SessionStoreOptions
  readonly #now: () => number

  constructor(options: SessionStoreOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** Starts a session; `not_after` (ms) caps it, e.g. at a JWT's `exp`. */
  create(principal: Principal, not_after: number | null): Session {
    this.#sweep()
    const now = this.#now()
    const expires_at = Math.min(now + this.#options.ttl_ms, not_after ?? Number.POSITIVE_INFINITY)
    const session: Session = {
      id: token(),
      principal,
      csrf: token(),
      created_at: now,
      expires_at,
      last_seen: now,
      flash: null,
    }
    this.#sessions.set(session.id, session)
    return session
  }

  /** The live session with this id, touched; null when unknown, expired or idle too long. */
  get(id: string | undefined): Session | null {
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null
    const session = this.#sessions.get(id)
    if (!session) return null
    const now = this.#now()
    if (now >= session.expires_at || now - session.last_seen >= this.#options.idle_ms) {
      this.#sessions.delete(id)
      return null
    }
    session.last_seen = now
    return session
  }

  delete(id: string): void {
    this.#sessions.delete(id)
  }

  #sweep(): void {
    const now = this.#now()
    for (const [id, s] of this.#sessions) {
      if (now >= s.expires_at || now - s.last_seen >= this.#options.idle_ms) this.#sessions.delete(id)
    }
  }
}
