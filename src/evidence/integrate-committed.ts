/**
 * The tree integrator: the audit chain sequences events; this reads the
 * chain links of the committed ones after the tree's size, in chain order,
 * checks each link, and adds them as leaves in its own transaction.
 *
 * @remarks Leaf `i` (0-based) is event seq `i + 1`, and its leaf data is the
 * 32 raw bytes of the event's chain hash (`sha256(prev_hash || JCS(body))`),
 * so a leaf commits to the whole event and to the chain before it. The
 * integrator never writes the chain, so it adds nothing to the append path;
 * a crash between a commit and its integration is caught up by the next
 * call. Integrating is idempotent: a batch another integrator already added
 * is dropped by the store's head check.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import { chainHash } from '../audit/hash-chain.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { ChainLink, MerkleHead, MerkleStore } from '../store/store.js'
import { frontierKeys, type StoredNode } from './compact-range.js'
import { leafHashOfHex, nodeId } from './rfc6962.js'
import { storeNodeReader } from './store-tree.js'
import { growInline, type TreeGrower } from './tree-growth.js'

/** Events per integration transaction: the store's largest page. */
const DEFAULT_BATCH = 10_000

/** The leaf hash of an event: `SHA-256(0x00 || event hash bytes)`. */
export function eventLeafHash(event: Pick<AuditEvent, 'hash'>): Uint8Array {
  return leafHashOfHex(event.hash)
}

/**
 * The leaf hash a verifier computes from an event's content: its chain hash
 * recomputed from the body, so an edited body gives another leaf.
 */
export function contentLeafHash(event: AuditEvent): Uint8Array {
  const { prev_hash, hash: _hash, ...body } = event
  return leafHashOfHex(chainHash(prev_hash, body))
}

/** What the integrator reads and writes. */
export interface IntegratorStore {
  readonly merkle: MerkleStore
  /** Hashes a run of events into nodes (default: on the calling thread). */
  readonly grow?: TreeGrower
}

function broken(link: ChainLink, why: string): AirlockError {
  return new AirlockError(
    ErrorCode.STORE_ERROR,
    `audit event seq ${link.seq} ${why}: the chain was changed after it was committed and before it entered the Merkle tree; run airlock audit verify`,
  )
}

/** Reads the frontier of a tree of `size` leaves, rebuilding its low nodes from the chain. */
async function readFrontier(merkle: MerkleStore, size: number): Promise<StoredNode[]> {
  const keys = frontierKeys(size)
  const read = await storeNodeReader(merkle)(keys)
  return keys.map((key) => {
    const hash = read.get(nodeId(key))
    if (hash === undefined) {
      throw new AirlockError(
        ErrorCode.STORE_ERROR,
        `the Merkle tree of size ${size} lacks node ${nodeId(key)}`,
      )
    }
    return { ...key, hash }
  })
}

/**
 * The links that continue the tree's head in order; a link out of place
 * stops the batch there and is returned as `failure`.
 */
function linkedRun(
  head: MerkleHead,
  read: readonly ChainLink[],
): { run: ChainLink[]; failure?: AirlockError } {
  const run: ChainLink[] = []
  let prev = head.last_hash
  for (const link of read) {
    const seq = head.size + 1 + run.length
    if (link.seq !== seq) return { run, failure: broken(link, `arrived where seq ${seq} belongs`) }
    if (link.prev_hash !== prev) return { run, failure: broken(link, 'does not link to the event before it') }
    run.push(link)
    prev = link.hash
  }
  return { run }
}

/**
 * Integrates at most `batch` committed events. Resolves the tree size after
 * it (which another integrator may have reached instead).
 *
 * @remarks Each event's leaf is its stored chain hash, computed once when it
 * was appended; bodies are not read again here. An event whose body was
 * edited after its commit gets the leaf of its original hash, so its
 * content no longer proves inclusion and `audit verify` reports it; an
 * event whose hash was rewritten too breaks the link of the next one.
 *
 * @throws AirlockError STORE_ERROR when an event does not link to the one
 * before it: the tree stops growing rather than commit to a forged chain.
 */
export async function integrateBatch(store: IntegratorStore, batch = DEFAULT_BATCH): Promise<number> {
  const head = await store.merkle.head()
  const { run, failure } = linkedRun(head, await store.merkle.links(head.size, batch))
  if (run.length === 0) {
    if (failure) throw failure
    return head.size
  }
  const frontier = await readFrontier(store.merkle, head.size)
  const grow = store.grow ?? growInline
  const rows = await grow({ size: head.size, frontier, hashes: run.map((link) => link.hash) })
  const to = { size: head.size + run.length, last_hash: run.at(-1)!.hash }
  const advanced = await store.merkle.integrate(head, to, rows)
  if (failure) throw failure
  return advanced ? to.size : (await store.merkle.head()).size
}

/** Integrates every committed event; resolves the tree size reached. */
export async function integrateCommitted(store: IntegratorStore, batch = DEFAULT_BATCH): Promise<number> {
  let size = (await store.merkle.head()).size
  for (;;) {
    const next = await integrateBatch(store, batch)
    if (next === size) return size
    size = next
  }
}
