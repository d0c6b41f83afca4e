/**
 * The log's side of witnessing: before a checkpoint is published, it is sent
 * to each configured witness with a consistency proof from the size that
 * witness last cosigned, and published only once enough of them cosigned.
 *
 * @remarks A witness that holds another size than expected answers 409 with
 * its size; the proof is rebuilt from there and sent once more. Each
 * returned cosignature is checked against the witness's configured key, so
 * a witness that answers with garbage counts as not having cosigned.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { cosignedAt } from './cosignature.js'
import { type NoteVerifier, parseVerifierKey } from './note-keys.js'
import { parseNote } from './signed-note.js'
import type { PublishRequest } from './transparency-log.js'
import { ADD_CHECKPOINT_PATH, formatAddCheckpoint } from './witness-protocol.js'

/** Witnesses as configured. */
export interface WitnessesConfig {
  /** How many must cosign. */
  readonly required: number
  readonly list: readonly { readonly url: string; readonly key: string }[]
  readonly timeout_ms: number
}

interface Peer {
  readonly url: string
  readonly verifier: NoteVerifier
  /** The size this witness is believed to hold; unknown until it first answers. */
  known: number | null
}

type Fetch = typeof fetch

async function ask(peer: Peer, request: PublishRequest, old: number, timeout: number, f: Fetch) {
  const proof = await request.proof(old)
  const response = await f(new URL(ADD_CHECKPOINT_PATH.slice(1), `${peer.url.replace(/\/+$/, '')}/`), {
    method: 'POST',
    body: formatAddCheckpoint({ old, proof, note: request.note }),
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    signal: AbortSignal.timeout(timeout),
  })
  return { status: response.status, text: await response.text() }
}

/** The cosignature line of `peer` on `note`, or null with the reason. */
async function cosignOne(peer: Peer, request: PublishRequest, timeout: number, f: Fetch): Promise<string> {
  let old = Math.min(peer.known ?? request.previous, request.size)
  let answer = await ask(peer, request, old, timeout, f)
  if (answer.status === 409 && /^\d+\n?$/.test(answer.text)) {
    old = Number(answer.text.trim())
    if (old > request.size) throw new Error(`the witness holds size ${old}, beyond this checkpoint`)
    answer = await ask(peer, request, old, timeout, f)
  }
  if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.text.slice(0, 200)}`)
  const note = parseNote(`${request.note}${answer.text}`)
  if (cosignedAt(note, peer.verifier) === null) {
    throw new Error('the answer carries no valid cosignature by the configured key')
  }
  peer.known = request.size
  return answer.text.split('\n').filter((line) => line.startsWith(`\u2014 ${peer.verifier.name} `))[0]!
}

/**
 * A `publish` step for a transparency log that collects cosignatures.
 *
 * @throws AirlockError WITNESS_QUORUM_MISSING, naming each witness's
 * failure, when fewer than `required` cosigned.
 */
export function witnessCosigner(config: WitnessesConfig, f: Fetch = fetch) {
  const peers: Peer[] = config.list.map((w) => ({
    url: w.url,
    verifier: parseVerifierKey(w.key),
    known: null,
  }))
  return async (request: PublishRequest): Promise<string> => {
    const results = await Promise.allSettled(peers.map((p) => cosignOne(p, request, config.timeout_ms, f)))
    const lines = results.flatMap((r) => (r.status === 'fulfilled' ? [`${r.value}\n`] : []))
    if (lines.length < config.required) {
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected' ? [`${peers[i]!.url}: ${(r.reason as Error).message}`] : [],
      )
      throw new AirlockError(
        ErrorCode.WITNESS_QUORUM_MISSING,
        `checkpoint ${request.size} has ${lines.length} of ${config.required} required cosignatures; not published (${failures.join('; ')})`,
      )
    }
    return `${request.note}${lines.join('')}`
  }
}
