/**
 * The slot that holds the enforced policy set. Swapping replaces one reference: a request that captured the
 * previous set keeps it until it finishes, and the next request sees the
 * new one whole.
 *
 * @module
 */
import type { PolicySet } from './policy-set.js'

/** Holds the enforced set. */
export class PolicyHolder {
  #current: PolicySet
  readonly #listeners = new Set<(set: PolicySet) => void>()

  constructor(initial: PolicySet) {
    this.#current = initial
  }

  /** The enforced set. Read it once per request and keep it. */
  current(): PolicySet {
    return this.#current
  }

  /** Makes `next` the enforced set; returns the one it replaced. */
  swap(next: PolicySet): PolicySet {
    const previous = this.#current
    this.#current = next
    for (const listener of this.#listeners) listener(next)
    return previous
  }

  /** Called after every swap; returns an unsubscribe function. */
  onSwap(listener: (set: PolicySet) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
