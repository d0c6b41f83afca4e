/**
 * A witness over HTTP: `POST /add-checkpoint` of the C2SP tlog-witness
 * protocol, answered by a {@link Witness}.
 *
 * @module
 */
import { cappedText } from '../internal/capped-text.js'
import type { Witness } from './witness.js'
import {
  ADD_CHECKPOINT_PATH,
  parseAddCheckpoint,
  REFUSAL_STATUS,
  SIZE_CONTENT_TYPE,
} from './witness-protocol.js'

// A new object per response: the Node adapter may write into the headers it is given.
const text = (body: string, status: number) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
/** Checkpoints and proofs are small; anything larger is not one. */
const MAX_BODY = 64 * 1024

/** A fetch-style handler of the witness endpoint. */
export function witnessHandler(witness: Witness): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url)
    if (url.pathname !== ADD_CHECKPOINT_PATH) return text('not found\n', 404)
    if (request.method !== 'POST') return text('use POST\n', 405)
    // Said before reading when the length is declared; counted while reading when it is not.
    if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY) return text('body too large\n', 413)
    const body = await cappedText(request.body, MAX_BODY)
    if (body === null) return text('body too large\n', 413)
    let parsed: ReturnType<typeof parseAddCheckpoint>
    try {
      parsed = parseAddCheckpoint(body)
    } catch (error) {
      return text(`${(error as Error).message}\n`, 400)
    }
    const verdict = await witness.observe(parsed.note, parsed.proof, parsed.old)
    if (verdict.kind === 'cosigned') return text(verdict.line, 200)
    if (verdict.code === 'conflict') {
      return new Response(`${verdict.known_size ?? 0}\n`, {
        status: 409,
        headers: { 'content-type': SIZE_CONTENT_TYPE },
      })
    }
    return text(`${verdict.reason}\n`, REFUSAL_STATUS[verdict.code])
  }
}
