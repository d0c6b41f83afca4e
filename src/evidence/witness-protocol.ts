/**
 * The C2SP tlog-witness wire format: a log asks a witness to cosign with
 * `POST /add-checkpoint`, whose body is an `old <size>` line, the base64
 * consistency proof from that size (one hash per line), a blank line and the
 * signed checkpoint. The witness answers 200 with its cosignature lines, or
 * 409 with the size it holds (`text/x.tlog.size`) when the proof starts
 * elsewhere.
 *
 * @module
 */
import type { WitnessRefusal } from './witness.js'

/** The path of the cosigning endpoint. */
export const ADD_CHECKPOINT_PATH = '/add-checkpoint'
/** The content type of a 409 answer: the witness's size, in decimal, and a newline. */
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size'

/** A decoded add-checkpoint request. */
export interface AddCheckpointRequest {
  readonly old: number
  readonly proof: readonly Uint8Array[]
  readonly note: string
}

/** The body of an add-checkpoint request. */
export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  const lines = request.proof.map((h) => `${Buffer.from(h).toString('base64')}\n`)
  return `old ${request.old}\n${lines.join('')}\n${request.note}`
}

/** Decodes an add-checkpoint body; throws TypeError saying what is malformed. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const split = body.indexOf('\n\n')
  if (split < 0)
    throw new TypeError('expected the old size, the proof lines, a blank line, then the checkpoint')
  const [first, ...hashes] = body.slice(0, split).split('\n')
  const old = /^old (0|[1-9][0-9]{0,15})$/.exec(first ?? '')
  if (!old || !Number.isSafeInteger(Number(old[1]))) throw new TypeError('the first line must be old <size>')
  if (hashes.length > 63) throw new TypeError('a consistency proof has at most 63 hashes')
  const proof = hashes.map((line, i) => {
    const bytes = Buffer.from(line, 'base64')
    if (bytes.length !== 32 || bytes.toString('base64') !== line) {
      throw new TypeError(`proof line ${i + 1} is not the base64 of a 32-byte hash`)
    }
    return new Uint8Array(bytes)
  })
  return { old: Number(old[1]), proof, note: body.slice(split + 2) }
}

/** The HTTP status of each refusal (tlog-witness). */
export const REFUSAL_STATUS: Record<WitnessRefusal, number> = {
  unknown_log: 404,
  bad_signature: 403,
  conflict: 409,
  inconsistent: 422,
}
