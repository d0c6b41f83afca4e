/**
 * A witness: remembers the last checkpoint it cosigned for each log, and
 * cosigns a new one only if a consistency proof shows the log merely grew
 * since. A log that truncates, rewrites or shows two histories is refused.
 *
 * @remarks Concurrency contract: observations are serialised per witness
 * instance, and the state is saved before the cosignature is returned, so a
 * crash never leaves a cosigned checkpoint the witness has forgotten.
 * Several witness processes must not share one state file.
 *
 * @module
 */
import { openCheckpoint } from './checkpoint.js'
import { cosignatureLine } from './cosignature.js'
import type { NoteSigner, NoteVerifier } from './note-keys.js'
import { verifyConsistency } from './verify-proofs.js'

/** What a witness remembers about one log. */
export interface WitnessedHead {
  readonly size: number
  /** Base64 root hash. */
  readonly root: string
}

/** Where a witness keeps what it has seen (a file, a table). */
export interface WitnessState {
  load(origin: string): Promise<WitnessedHead | null>
  save(origin: string, head: WitnessedHead): Promise<void>
}

/** Why a witness refused a checkpoint. */
export type WitnessRefusal = 'unknown_log' | 'bad_signature' | 'conflict' | 'inconsistent'

/** The answer to one observation. */
export type WitnessVerdict =
  | { readonly kind: 'cosigned'; readonly note: string; readonly line: string; readonly size: number }
  | {
      readonly kind: 'refused'
      /**
       * `unknown_log`, `bad_signature`, `conflict` (the proof starts from
       * another size than the one the witness holds) or `inconsistent`
       * (the log shrank, forked or rewrote its history).
       */
      readonly code: WitnessRefusal
      readonly reason: string
      /** The size the witness holds for this log (the one a proof must start from). */
      readonly known_size: number | null
    }

/** Options of {@link createWitness}. */
export interface WitnessOptions {
  /** Cosigner key (type 0x04). */
  readonly signer: NoteSigner
  /** The logs this witness follows, by origin. */
  readonly logs: ReadonlyMap<string, NoteVerifier>
  readonly state: WitnessState
  readonly now?: () => Date
}

/** A witness over a state store. */
export interface Witness {
  /**
   * Checks `note` (a signed checkpoint) against the last one seen for its
   * origin with `proof` (the consistency proof from that size), and cosigns
   * it when consistent. With `old`, the proof is from that size, and a
   * witness holding another size refuses with `conflict` and the size it holds.
   */
  observe(note: string, proof: readonly Uint8Array[], old?: number): Promise<WitnessVerdict>
}

/** A memory-only {@link WitnessState} (tests, embedding). */
export function memoryWitnessState(): WitnessState {
  const heads = new Map<string, WitnessedHead>()
  return {
    load: async (origin) => heads.get(origin) ?? null,
    save: async (origin, head) => {
      heads.set(origin, head)
    },
  }
}

function originOf(note: string): string {
  return note.slice(0, Math.max(0, note.indexOf('\n')))
}

/** Creates a witness. */
export function createWitness(options: WitnessOptions): Witness {
  const now = options.now ?? (() => new Date())
  let queue: Promise<unknown> = Promise.resolve()

  async function observe(
    note: string,
    proof: readonly Uint8Array[],
    old: number | undefined,
  ): Promise<WitnessVerdict> {
    const origin = originOf(note)
    const log = options.logs.get(origin)
    if (!log) {
      return {
        kind: 'refused',
        code: 'unknown_log',
        reason: `unknown log ${JSON.stringify(origin)}`,
        known_size: null,
      }
    }
    let cp: ReturnType<typeof openCheckpoint>
    try {
      cp = openCheckpoint(note, log, origin)
    } catch (error) {
      return { kind: 'refused', code: 'bad_signature', reason: (error as Error).message, known_size: null }
    }
    const last = await options.state.load(origin)
    const refuse = (reason: string, code: WitnessRefusal = 'inconsistent'): WitnessVerdict => ({
      kind: 'refused',
      code,
      reason,
      known_size: last?.size ?? null,
    })
    if (old !== undefined && old !== (last?.size ?? 0)) {
      return refuse(
        `the proof starts at size ${old} but this witness holds size ${last?.size ?? 0}`,
        'conflict',
      )
    }
    const root = Buffer.from(cp.root).toString('base64')
    if (last) {
      if (cp.size < last.size) return refuse(`the log shrank: size ${cp.size} after size ${last.size}`)
      const lastRoot = new Uint8Array(Buffer.from(last.root, 'base64'))
      if (!verifyConsistency(last.size, cp.size, lastRoot, cp.root, proof)) {
        return refuse(
          cp.size === last.size
            ? `a different root for size ${cp.size}: the log shows two histories`
            : `no valid consistency proof from size ${last.size} to ${cp.size}: the log rewrote its history`,
        )
      }
    }
    await options.state.save(origin, { size: cp.size, root })
    const line = cosignatureLine(cp.parsed.text, options.signer, Math.floor(now().getTime() / 1000))
    return { kind: 'cosigned', note: `${note}${line}`, line, size: cp.size }
  }

  return {
    observe(note, proof, old) {
      const result = queue.then(() => observe(note, proof, old))
      queue = result.catch(() => undefined)
      return result
    },
  }
}
