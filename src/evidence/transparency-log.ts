/**
 * The transparency log beside a running gateway: integrates committed audit
 * events into the Merkle tree in the background and issues signed
 * checkpoints every N events or T seconds, and once more on shutdown.
 *
 * @remarks Concurrency contract: one pass at a time per instance; across
 * replicas the store's head check makes integration idempotent and the
 * tree deterministic, so replicas signing with the same key produce the same
 * note for a size (Ed25519 is deterministic) and the store keeps one. Before
 * a checkpoint is stored, a consistency proof from the previous one is built
 * from the stored nodes and verified: a tree that no longer extends the last
 * signed one (a rolled-back or edited store) is never signed, so the log
 * never issues two inconsistent checkpoints for its origin.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { MerkleStore, StoredCheckpoint } from '../store/store.js'
import { signCheckpoint } from './checkpoint.js'
import { type IntegratorStore, integrateCommitted } from './integrate-committed.js'
import type { NoteSigner } from './note-keys.js'
import { toHex } from './rfc6962.js'
import { storeTree } from './store-tree.js'
import { TreeGrowerThread } from './tree-grower-thread.js'
import { growInline, type TreeGrower } from './tree-growth.js'
import { verifyConsistency } from './verify-proofs.js'

/** Where the log reports background failures. */
export interface TransparencyLogger {
  error(object: Record<string, unknown>, message?: string): void
}

/** A signed checkpoint about to be published, and how to prove it extends an earlier size. */
export interface PublishRequest {
  /** The checkpoint signed by the log. */
  readonly note: string
  readonly size: number
  /** The size of the last published checkpoint (0 before the first). */
  readonly previous: number
  /** The consistency proof from `from` to `size`. */
  proof(from: number): Promise<readonly Uint8Array[]>
}

/** Options of {@link createTransparencyLog}. */
export interface TransparencyLogOptions {
  readonly store: { readonly merkle?: MerkleStore | undefined }
  readonly signer: NoteSigner
  /** The checkpoint origin line. Default: the key name. */
  readonly origin?: string
  /** Issue a checkpoint once this many events were integrated since the last. Default 1000. */
  readonly checkpoint_every?: number
  /** Issue a checkpoint this long after the last when events arrived since. Default 10 s. */
  readonly checkpoint_interval_ms?: number
  /** How often committed events are integrated. Default 500 ms. */
  readonly poll_interval_ms?: number
  readonly logger?: TransparencyLogger
  /**
   * Last step before a checkpoint is stored (collecting witness
   * cosignatures): resolves the note to store, or throws to leave the
   * checkpoint unpublished until the next pass.
   */
  readonly publish?: (request: PublishRequest) => Promise<string>
  readonly now?: () => Date
  /**
   * Hash runs of {@link THREAD_RUN} events or more on a worker thread, off
   * the event loop that serves requests. Default true.
   */
  readonly grow_on_thread?: boolean
}

/**
 * The shortest run worth a trip to the grower thread: below it hashing on
 * the main thread costs less than starting the thread and the messages.
 */
export const THREAD_RUN = 512

/** The grower a log uses, and how to stop it. */
function logGrower(onThread: boolean): { grow: TreeGrower; close: () => Promise<void> } {
  if (!onThread) return { grow: growInline, close: async () => undefined }
  const thread = new TreeGrowerThread()
  let failed = false
  return {
    // Growing is a pure computation, so a run the thread could not do (it
    // failed to start or died) is done here instead, and so is every later
    // one: a deployment where the worker cannot run must still integrate and
    // checkpoint, without starting a thread that fails every pass.
    grow: (request) =>
      failed || request.hashes.length < THREAD_RUN
        ? growInline(request)
        : thread.grow(request).catch(() => {
            failed = true
            return growInline(request)
          }),
    close: () => thread.close(),
  }
}

/** A running transparency log. */
export interface TransparencyLog {
  readonly origin: string
  /** Catches up with the committed chain, checkpoints it, and starts the background passes. */
  start(): Promise<void>
  /** One pass: integrate what is committed, checkpoint when due. */
  tick(): Promise<void>
  /** Integrates what is committed, then signs and stores a checkpoint now (the existing one when nothing grew). */
  checkpoint(): Promise<StoredCheckpoint>
  /** Stops the background passes, integrates what is committed and checkpoints it. */
  stop(): Promise<void>
}

/** Creates a transparency log over a store with a Merkle capability. */
export function createTransparencyLog(options: TransparencyLogOptions): TransparencyLog {
  const merkle = options.store.merkle
  if (!merkle) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'the store has no Merkle tree capability; use the memory, sqlite or postgres store',
    )
  }
  const grower = logGrower(options.grow_on_thread ?? true)
  const store: IntegratorStore = { merkle, grow: grower.grow }
  const origin = options.origin ?? options.signer.name
  const every = options.checkpoint_every ?? 1000
  const interval = options.checkpoint_interval_ms ?? 10_000
  const now = options.now ?? (() => new Date())
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()

  async function checkpoint(): Promise<StoredCheckpoint> {
    const { size } = await merkle!.head()
    const last = await merkle!.latestCheckpoint(origin)
    if (last && last.size === size) return last
    if (last && last.size > size) {
      throw new AirlockError(
        ErrorCode.STORE_ERROR,
        `the Merkle tree has ${size} leaves but checkpoint ${last.size} was signed: the store was rolled back; refusing to sign`,
      )
    }
    // One read of each chain block for this checkpoint's root and proofs.
    const tree = storeTree(merkle!, new Map())
    const root = await tree.root(size)
    if (last) {
      const proof = await tree.consistency(last.size, size)
      if (!verifyConsistency(last.size, size, Buffer.from(last.root, 'hex'), root, proof)) {
        throw new AirlockError(
          ErrorCode.STORE_ERROR,
          `the Merkle tree of size ${size} does not extend checkpoint ${last.size}: the store was changed; refusing to sign`,
        )
      }
    }
    const signed = signCheckpoint({ origin, size, root, extensions: [] }, [options.signer])
    const note = options.publish
      ? await options.publish({
          note: signed,
          size,
          previous: last?.size ?? 0,
          proof: (from) => tree.consistency(from, size),
        })
      : signed
    const stored = { origin, size, root: toHex(root), note, created_at: now().toISOString() }
    const result = await merkle!.addCheckpoint(stored)
    if (result === 'added') return stored
    const existing = await merkle!.latestCheckpoint(origin)
    // Replicas with one key sign the same text; only witness timestamps may differ.
    if (existing?.size === size && existing.root === stored.root) return existing
    throw new AirlockError(
      ErrorCode.STORE_ERROR,
      `another checkpoint of size ${size} exists for ${origin}: two signers share the origin with different keys`,
    )
  }

  async function due(): Promise<boolean> {
    const { size } = await merkle!.head()
    const last = await merkle!.latestCheckpoint(origin)
    if (!last) return true
    if (size <= last.size) return false
    return size - last.size >= every || now().getTime() - Date.parse(last.created_at) >= interval
  }

  async function pass(): Promise<void> {
    await integrateCommitted(store)
    if (await due()) await checkpoint()
  }

  const serial = (fn: () => Promise<void>): Promise<void> => {
    const next = running.then(fn)
    running = next.catch(() => undefined)
    return next
  }

  return {
    origin,
    async start() {
      await serial(pass)
      timer = setInterval(() => {
        void serial(pass).catch((error: unknown) =>
          options.logger?.error({ err: error }, 'transparency log pass failed'),
        )
      }, options.poll_interval_ms ?? 500)
      timer.unref()
    },
    tick: () => serial(pass),
    checkpoint: async () => {
      let out: StoredCheckpoint | undefined
      await serial(async () => {
        await integrateCommitted(store)
        out = await checkpoint()
      })
      return out!
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      try {
        await serial(async () => {
          await integrateCommitted(store)
          await checkpoint()
        })
      } finally {
        await grower.close()
      }
    },
  }
}
