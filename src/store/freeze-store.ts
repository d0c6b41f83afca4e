/**
 * The kill switch's storage: freezes that deny every matching request until
 * lifted. Stored, so a freeze survives restarts and every replica sharing
 * the store enforces it.
 *
 * @module
 */

/** What a freeze covers: one agent, one action, one tenant, or everything. */
export type FreezeScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'agent' | 'action' | 'tenant'; readonly value: string }

/** A freeze as stored. */
export interface Freeze {
  /** `frz-` followed by 24 hex characters. */
  readonly id: string
  readonly scope: FreezeScope
  readonly reason: string
  /** Who froze (actor id). */
  readonly created_by: string
  readonly created_at: string
  /** Who lifted it; null while in force. */
  readonly lifted_by: string | null
  readonly lifted_at: string | null
}

export type NewFreeze = Pick<Freeze, 'id' | 'scope' | 'reason' | 'created_by' | 'created_at'>

export interface FreezeStore {
  /** Stores a freeze in force. */
  add(freeze: NewFreeze): Promise<Freeze>
  /**
   * In force → lifted.
   * @remarks Under concurrent invocation for one id exactly one caller gets
   * the lifted row; every other caller (and any caller for an id that is
   * not in force) gets `null`.
   */
  lift(id: string, by: string, at: string): Promise<Freeze | null>
  /** Every freeze in force, oldest first. */
  active(): Promise<readonly Freeze[]>
}
