import { hash } from 'node:crypto'
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
  return linkHash(prevHash, canonicalJson(body))
}

/**
 * {@link chainHash} over a body already in canonical JSON text.
 *
 * @remarks One-shot `hash()` over the joined text: the same bytes as hashing
 * the two parts in turn (a hex prefix cannot join a character of the body),
 * at about half the cost of a `Hash` object, which counts on every audited
 * request.
 */
export function linkHash(prevHash: string, canonicalBody: string): string {
  return hash('sha256', prevHash + canonicalBody, 'hex')
}
