/**
 * The evidence a log serves and a verifier checks: an event's inclusion
 * proof bundle, a consistency proof between two sizes, and their offline
 * verification with only the log's public key.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { AuditStore, MerkleStore, StoredCheckpoint } from '../store/store.js'
import { openCheckpoint, type SignedCheckpoint } from './checkpoint.js'
import { contentLeafHash } from './integrate-committed.js'
import type { NoteVerifier } from './note-keys.js'
import { storeTree } from './store-tree.js'
import { verifyConsistency, verifyInclusion } from './verify-proofs.js'

/** An event with what proves it is in the log: self-contained, checkable offline. */
export interface InclusionBundle {
  readonly event: AuditEvent
  readonly leaf_index: number
  readonly tree_size: number
  /** Base64 hashes, leaf side first. */
  readonly inclusion_proof: readonly string[]
  /** The signed checkpoint of `tree_size`. */
  readonly checkpoint: string
}

/** A consistency proof between two tree sizes. */
export interface ConsistencyBundle {
  readonly from: number
  readonly to: number
  readonly consistency_proof: readonly string[]
}

const b64 = (hashes: readonly Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('base64'))

/** Decodes base64 proof hashes; throws TypeError on anything else. */
export function decodeProof(proof: unknown): Uint8Array[] {
  if (!Array.isArray(proof)) throw new TypeError('the proof must be an array of base64 hashes')
  return proof.map((p, i) => {
    const bytes = typeof p === 'string' ? Buffer.from(p, 'base64') : undefined
    if (bytes?.length !== 32) throw new TypeError(`proof item ${i} is not the base64 of a 32-byte hash`)
    return new Uint8Array(bytes)
  })
}

function notFound(message: string): AirlockError {
  return new AirlockError(ErrorCode.EVIDENCE_NOT_FOUND, message)
}

/** What the evidence reads. */
export interface EvidenceStore {
  readonly audit: Pick<AuditStore, 'range'>
  readonly merkle: MerkleStore
}

async function checkpointFor(merkle: MerkleStore, size: number | undefined): Promise<StoredCheckpoint> {
  const cp = size === undefined ? await merkle.latestCheckpoint() : await merkle.checkpointAt(size)
  if (!cp) {
    throw notFound(
      size === undefined
        ? 'no checkpoint has been signed yet (configure transparency and wait for the first one)'
        : `no checkpoint was signed at size ${size}; ask for the size of a published checkpoint`,
    )
  }
  return cp
}

/**
 * The inclusion bundle of event `id` in the checkpoint of `size` (default
 * the latest). `tenant`, when given, must be the event's tenant.
 */
export async function inclusionBundle(
  store: EvidenceStore,
  id: string,
  options: { size?: number; tenant?: string } = {},
): Promise<InclusionBundle> {
  const seq = await store.merkle.eventSeq(id)
  const [event] = seq === null ? [] : await store.audit.range(seq - 1, 1)
  if (!event || (options.tenant !== undefined && event.tenant_id !== options.tenant)) {
    throw notFound(`no audit event ${id}`)
  }
  const cp = await checkpointFor(store.merkle, options.size)
  if (event.seq > cp.size) {
    throw notFound(
      `event ${id} (seq ${event.seq}) is not yet in the checkpoint of size ${cp.size}; retry after the next checkpoint`,
    )
  }
  const proof = await storeTree(store.merkle).inclusion(event.seq - 1, cp.size)
  return {
    event,
    leaf_index: event.seq - 1,
    tree_size: cp.size,
    inclusion_proof: b64(proof),
    checkpoint: cp.note,
  }
}

/** The consistency proof between two sizes no larger than the integrated tree. */
export async function consistencyBundle(
  merkle: MerkleStore,
  from: number,
  to: number,
): Promise<ConsistencyBundle> {
  const { size } = await merkle.head()
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    throw new AirlockError(
      ErrorCode.BAD_REQUEST,
      `from and to must be whole numbers with 0 ≤ from ≤ to, got ${from} and ${to}`,
    )
  }
  if (to > size) throw notFound(`the tree has ${size} leaves; to (${to}) must not exceed it`)
  return { from, to, consistency_proof: b64(await storeTree(merkle).consistency(from, to)) }
}

/** The result of an offline check: what was proven, or why not. */
export type EvidenceVerdict =
  | { readonly valid: true; readonly detail: string; readonly checkpoint: SignedCheckpoint }
  | { readonly valid: false; readonly reason: string }

/** Checks an inclusion bundle offline: the checkpoint's signature, the event's hash, and the proof. */
export function verifyInclusionBundle(bundle: InclusionBundle, log: NoteVerifier): EvidenceVerdict {
  let cp: SignedCheckpoint
  try {
    cp = openCheckpoint(bundle.checkpoint, log)
  } catch (error) {
    return { valid: false, reason: (error as Error).message }
  }
  if (cp.size !== bundle.tree_size)
    return {
      valid: false,
      reason: `the bundle is for size ${bundle.tree_size} but its checkpoint is size ${cp.size}`,
    }
  if (bundle.leaf_index !== bundle.event.seq - 1)
    return { valid: false, reason: 'leaf_index must be the event seq minus one' }
  let leaf: Uint8Array
  let proof: Uint8Array[]
  try {
    leaf = contentLeafHash(bundle.event)
    proof = decodeProof(bundle.inclusion_proof)
  } catch (error) {
    return { valid: false, reason: (error as Error).message }
  }
  if (!verifyInclusion(bundle.leaf_index, cp.size, leaf, proof, cp.root)) {
    return {
      valid: false,
      reason: `event ${bundle.event.id} as given is not leaf ${bundle.leaf_index} of the signed tree: it was changed, or the proof is wrong`,
    }
  }
  return {
    valid: true,
    detail: `event ${bundle.event.id} (seq ${bundle.event.seq}) is in the log at size ${cp.size}`,
    checkpoint: cp,
  }
}

/** Checks offline that the log of `previous` only grew into `current`. */
export function verifyGrowth(
  previous: SignedCheckpoint,
  current: SignedCheckpoint,
  proof: readonly Uint8Array[],
): EvidenceVerdict {
  if (previous.origin !== current.origin)
    return {
      valid: false,
      reason: `the checkpoints are of different logs (${previous.origin}, ${current.origin})`,
    }
  if (current.size < previous.size) {
    return {
      valid: false,
      reason: `the log shrank from ${previous.size} to ${current.size} leaves: its tail was cut off`,
    }
  }
  if (!verifyConsistency(previous.size, current.size, previous.root, current.root, proof)) {
    return {
      valid: false,
      reason:
        current.size === previous.size
          ? `two different roots for size ${current.size}: the log shows two histories`
          : `the tree of size ${current.size} does not extend the one of size ${previous.size}: history was rewritten (or the proof is wrong)`,
    }
  }
  return {
    valid: true,
    detail: `the log only grew from ${previous.size} to ${current.size} leaves`,
    checkpoint: current,
  }
}
