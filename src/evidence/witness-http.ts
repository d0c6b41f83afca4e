/**
 * A witness over HTTP: `POST /add-checkpoint` of the C2SP tlog-witness
 * protocol, answered by a {@link Witness}.
 *
 * @module
 */
import type { Witness } from './witness.js'
import {
  ADD_CHECKPOINT_PATH,
  parseAddCheckpoint,
  REFUSAL_STATUS,
  SIZE_CONTENT_TYPE,
} from './witness-protocol.js'

const TEXT = { 'content-type': 'text/plain; charset=utf-8' }
/** Checkpoints and proofs are small; anything larger is not one. */
const MAX_BODY = 64 * 1024

/** A fetch-style handler of the witness endpoint. */
export function witnessHandler(witness: Witness): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url)
    if (url.pathname !== ADD_CHECKPOINT_PATH)
      return new Response('not found\n', { status: 404, headers: TEXT })
    if (request.method !== 'POST') return new Response('use POST\n', { status: 405, headers: TEXT })
    const body = await request.text()
    if (body.length > MAX_BODY) return new Response('body too large\n', { status: 413, headers: TEXT })
    let parsed: ReturnType<typeof parseAddCheckpoint>
    try {
      parsed = parseAddCheckpoint(body)
    } catch (error) {
      return new Response(`${(error as Error).message}\n`, { status: 400, headers: TEXT })
    }
    const verdict = await witness.observe(parsed.note, parsed.proof, parsed.old)
    if (verdict.kind === 'cosigned') return new Response(verdict.line, { status: 200, headers: TEXT })
    if (verdict.code === 'conflict') {
      return new Response(`${verdict.known_size ?? 0}\n`, {
        status: 409,
        headers: { 'content-type': SIZE_CONTENT_TYPE },
      })
    }
    return new Response(`${verdict.reason}\n`, { status: REFUSAL_STATUS[verdict.code], headers: TEXT })
  }
}
