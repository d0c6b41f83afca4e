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
import { cappedText } from '../internal/capped-text.js'
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

/** The most of a witness's answer that is read: a cosignature is a line, a refusal a sentence. */
const MAX_ANSWER_BYTES = 64 * 1024

async function ask(peer: Peer, request: PublishRequest, old: number, timeout: number, f: Fetch) {
  const proof = await request.proof(old)
  const signal = AbortSignal.timeout(timeout)
  const response = await f(new URL(ADD_CHECKPOINT_PATH.slice(1), `${peer.url.replace(/\/+$/, '')}/`), {
    method: 'POST',
    body: formatAddCheckpoint({ old, proof, note: request.note }),
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    // A witness is another party: it may not send the log's requests elsewhere.
    redirect: 'error',
    signal,
  }).catch((error: unknown) => {
    // fetch says only "fetch failed"; what failed (a redirect, a refused connection) is its cause.
    const cause = (error as { cause?: unknown }).cause
    const message = cause instanceof Error ? `${(error as Error).message}: ${cause.message}` : String(error)
    throw new Error(message, { cause: error })
  })
  const text = await cappedText(response.body, MAX_ANSWER_BYTES)
  if (text === null) throw new Error(`the answer is longer than ${MAX_ANSWER_BYTES} bytes`)
  return { status: response.status, text }
}

/** The line of `answer` that is a valid cosignature of `note` by `verifier`, if any. */
function validLine(note: string, answer: string, verifier: NoteVerifier): string | undefined {
  const candidates = answer.split('\n').filter((line) => line.startsWith(`\u2014 ${verifier.name} `))
  return candidates.find((line) => {
    try {
      return cosignedAt(parseNote(`${note}${line}\n`), verifier) !== null
    } catch {
      // A malformed line (a signature too short to be one) is not a cosignature; a later line may be.
      return false
    }
  })
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
  const line = validLine(request.note, answer.text, peer.verifier)
  if (line === undefined) throw new Error('the answer carries no valid cosignature by the configured key')
  peer.known = request.size
  return line
}

/**
 * A `publish` step for a transparency log that collects cosignatures.
 *
 * @throws AirlockError WITNESS_QUORUM_MISSING, naming each witness's
 * failure, when fewer than `required` cosigned.
 */
export function witnessCosigner(config: WitnessesConfig, f: Fetch = fetch) {
  const peers: Peer[] = config.list.map((w, i) => ({
    url: withoutUserinfo(w.url, i),
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

/** The URL, refused when it carries a user name or password: they would be sent nowhere and shown in every error. */
function withoutUserinfo(url: string, index: number): string {
  const parsed = URL.canParse(url) ? new URL(url) : null
  if (parsed !== null && (parsed.username !== '' || parsed.password !== '')) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `witness ${index + 1}: the URL carries a user name or password; a witness is reached without them (its answers are checked against its key)`,
    )
  }
  return url
}
