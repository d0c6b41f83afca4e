/**
 * The JSON Lines every file-like sink writes: one canonical event per line
 * (exactly as `airlock audit export` writes them), and a checkpoint trailer.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import { canonicalJson } from '../audit/canonical-json.js'
import type { StoredCheckpoint } from '../store/store.js'

/** The events as canonical JSON lines, each ending in `\n`. */
export function eventLines(events: readonly AuditEvent[]): string {
  let out = ''
  for (const event of events) out += `${canonicalJson(event)}\n`
  return out
}

/**
 * The last line of a closed file or object: `{"checkpoint":{origin, size,
 * root, note}}`, where `note` is the signed note (check it with the log's
 * public key) and `size` the number of events it covers.
 */
export function checkpointLine(checkpoint: StoredCheckpoint): string {
  const { origin, size, root, note } = checkpoint
  return `${canonicalJson({ checkpoint: { origin, size, root, note } })}\n`
}

/**
 * The checkpoint line of a batch that ends before its checkpoint: the same,
 * plus `consistency: {from, proof}`, the RFC 6962 consistency proof (base64
 * hashes) from the tree of the batch's last seq `from` to the checkpoint's.
 * Without a proof (the batch ends at the checkpoint), the plain line.
 */
export function coveredCheckpointLine(
  checkpoint: StoredCheckpoint,
  from: number,
  proof: readonly Uint8Array[] | undefined,
): string {
  if (proof === undefined) return checkpointLine(checkpoint)
  const { origin, size, root, note } = checkpoint
  const consistency = { from, proof: proof.map((h) => Buffer.from(h).toString('base64')) }
  return `${canonicalJson({ checkpoint: { origin, size, root, note }, consistency })}\n`
}
