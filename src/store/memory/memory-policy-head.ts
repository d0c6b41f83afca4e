/**
 * The announced policy version in process memory (one process: nobody else to tell).
 *
 * @module
 */
import type { PolicyHead, PolicyHeadStore } from '../policy-head-store.js'

export function memoryPolicyHead(): PolicyHeadStore {
  let current: PolicyHead | null = null
  return {
    async announce(head) {
      current = { ...head }
    },
    async head() {
      return current
    },
  }
}
