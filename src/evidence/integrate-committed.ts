/**
 * The tree integrator: the audit chain sequences events; this reads the
 * committed ones after the tree's size, in chain order, checks each against
 * its hash and its link, and adds them as leaves in its own transaction.
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
import type { AuditStore, MerkleNode, MerkleStore } from '../store/store.js'
import { appendLeaves, frontierKeys } from './compact-range.js'
import { leafHash, toHex } from './rfc6962.js'

/** The leaf hash of an event: `SHA-256(0x00 || event hash bytes)`. */
export function eventLeafHash(event: Pick<AuditEvent, 'hash'>): Uint8Array {
  return leafHash(Buffer.from(event.hash, 'hex'))
}

/**
 * The leaf hash a verifier computes from an event's content: its chain hash
 * recomputed from the body, so an edited body gives another leaf.
 */
export function contentLeafHash(event: AuditEvent): Uint8Array {
  const { prev_hash, hash: _hash, ...body } = event
  return leafHash(Buffer.from(chainHash(prev_hash, body), 'hex'))
}

/** What the integrator reads and writes. */
export interface IntegratorStore {
  readonly audit: Pick<AuditStore, 'range'>
  readonly merkle: MerkleStore
}

function broken(event: AuditEvent, why: string): AirlockError {
  return new AirlockError(
    ErrorCode.STORE_ERROR,
    `audit event seq ${event.seq} ${why}: the chain was changed after it was committed and before it entered the Merkle tree; run airlock audit verify`,
  )
}

function checkLink(event: AuditEvent, seq: number, prev: string): void {
  if (event.seq !== seq) throw broken(event, `arrived where seq ${seq} belongs`)
  if (event.prev_hash !== prev) throw broken(event, 'does not link to the event before it')
  const { prev_hash, hash, ...body } = event
  if (chainHash(prev_hash, body) !== hash) throw broken(event, 'does not match its hash')
}

/**
 * Integrates at most `batch` committed events. Resolves the tree size after
 * it (which another integrator may have reached instead).
 *
 * @throws AirlockError STORE_ERROR when an event does not hash or link
 * correctly: the tree stops growing rather than commit to a forged event.
 */
export async function integrateBatch(store: IntegratorStore, batch = 1000): Promise<number> {
  const head = await store.merkle.head()
  const read = await store.audit.range(head.size, batch)
  // The events before a broken one are integrated; the broken one stops the tree.
  let prev = head.last_hash
  let failure: unknown
  const events: AuditEvent[] = []
  for (const event of read) {
    try {
      checkLink(event, head.size + 1 + events.length, prev)
    } catch (error) {
      failure = error
      break
    }
    events.push(event)
    prev = event.hash
  }
  if (events.length === 0) {
    if (failure) throw failure
    return head.size
  }
  const stored = await store.merkle.nodes(frontierKeys(head.size))
  const byId = new Map(stored.map((n) => [`${n.level}/${n.index}`, n.hash]))
  const frontier = frontierKeys(head.size).map((key) => {
    const hash = byId.get(`${key.level}/${key.index}`)
    if (hash === undefined) {
      throw new AirlockError(
        ErrorCode.STORE_ERROR,
        `the Merkle tree of size ${head.size} lacks node ${key.level}/${key.index}`,
      )
    }
    return { ...key, hash: new Uint8Array(Buffer.from(hash, 'hex')) }
  })
  const { nodes } = appendLeaves(head.size, frontier, events.map(eventLeafHash))
  const rows: MerkleNode[] = nodes.map((n) => ({ level: n.level, index: n.index, hash: toHex(n.hash) }))
  const to = { size: head.size + events.length, last_hash: prev }
  const advanced = await store.merkle.integrate(head, to, rows)
  if (failure) throw failure
  return advanced ? to.size : (await store.merkle.head()).size
}

/** Integrates every committed event; resolves the tree size reached. */
export async function integrateCommitted(store: IntegratorStore, batch = 1000): Promise<number> {
  let size = (await store.merkle.head()).size
  for (;;) {
    const next = await integrateBatch(store, batch)
    if (next === size) return size
    size = next
  }
}
