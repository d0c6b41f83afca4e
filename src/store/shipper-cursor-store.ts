/**
 * Where each audit shipper has got to: one cursor per shipper name, the seq
 * of the last event its receiver acknowledged.
 *
 * @module
 */

/** A shipper's stored position. */
export interface ShipperCursor {
  readonly name: string
  /** Seq of the last acknowledged event; 0 before the first delivery. */
  readonly seq: number
  /** ISO time of the last move (null before the first). */
  readonly updated_at: string | null
}

/** Cursors of audit shippers, kept beside the chain they read. */
export interface ShipperCursorStore {
  /** The cursor of shipper `name` (seq 0 when it never shipped). */
  get(name: string): Promise<ShipperCursor>
  /**
   * Moves shipper `name` from `from` to `to` (`to > from`).
   * @remarks Compare-and-set: exactly one of any number of concurrent callers
   * moving the same cursor from the same `from`, in any process, gets `true`;
   * the others change nothing and get `false`. A cursor never moves backwards.
   */
  advance(name: string, from: number, to: number, now: string): Promise<boolean>
  /** Every stored cursor, by name. */
  list(): Promise<readonly ShipperCursor[]>
}
