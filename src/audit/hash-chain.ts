import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical-json.js'

/** prev_hash of the first event in a chain. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * Hash of one chain link: `sha256(prev_hash || JCS(event))`, hex.
 *
 * @param body the event without its `prev_hash` and `hash` fields (they are
 * not part of the canonical body; `prev_hash` enters as the prefix).
 */
export function chainHash(prevHash: string, body: unknown): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex')
}
