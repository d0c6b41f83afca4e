import { cappedBytes } from '../internal/capped-text.js'
import { HttpProblemError } from './problem.js'

/** Options of {@link readJsonBody}. */
export interface ReadJsonBodyOptions {
  /** Largest body accepted, in bytes. */
  readonly limit: number
  /** Whether an empty body stands for `{}`; otherwise it is a 400. */
  readonly optional: boolean
  /** Deepest nesting of arrays and objects accepted. */
  readonly max_depth: number
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i
const decoder = new TextDecoder('utf-8', { fatal: true })

function tooLarge(limit: number): HttpProblemError {
  // The rest of an oversized body is never read, so the connection cannot be reused.
  return new HttpProblemError(
    'PAYLOAD_TOO_LARGE',
    `The request body exceeds the limit of ${limit} bytes`,
    { limit_bytes: limit },
    { connection: 'close' },
  )
}

/** The slice of Node's `IncomingMessage` read directly when the app runs on `@hono/node-server`. */
interface NodeIncoming {
  on(event: string, listener: (...args: never[]) => void): unknown
  off(event: string, listener: (...args: never[]) => void): unknown
  resume(): unknown
  readonly readableDidRead?: boolean
  readonly readableEnded?: boolean
  readonly complete?: boolean
}

/**
 * The untouched Node request behind `env`, if any.
 *
 * @remarks Going through `Request.body` on Node turns the socket into a web
 * stream first, which costs more than the rest of a request put together;
 * reading the `IncomingMessage` itself is several times faster. Only a
 * stream nobody has started reading is taken, so an outer framework that
 * consumed the body falls back to the standard path.
 */
function untouchedIncoming(env: unknown): NodeIncoming | null {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming as NodeIncoming | undefined
  if (incoming === undefined || typeof incoming !== 'object' || incoming === null) return null
  if (
    typeof incoming.on !== 'function' ||
    typeof incoming.off !== 'function' ||
    typeof incoming.resume !== 'function'
  ) {
    return null
  }
  if (incoming.readableDidRead !== false || incoming.readableEnded !== false) return null
  return incoming
}

function readIncoming(incoming: NodeIncoming, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = []
    let size = 0
    const cleanup = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
    }
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength
      if (size > limit) {
        cleanup()
        // Keep draining (and dropping) what the client still sends so the 413 can reach it.
        incoming.resume()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    }
    const onError = () => {
      cleanup()
      reject(badRequest('The request body could not be read'))
    }
    const onClose = () => {
      if (incoming.complete === true) return
      cleanup()
      reject(badRequest('The client closed the connection before sending the whole body'))
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
  })
}

function badRequest(detail: string): HttpProblemError {
  return new HttpProblemError('BAD_REQUEST', detail)
}

async function readCapped(request: Request, env: unknown, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null) {
    const length = Number(declared)
    if (!/^\d+$/.test(declared) || !Number.isSafeInteger(length))
      throw badRequest('Content-Length is not a number')
    if (length > limit) throw tooLarge(limit)
  }
  const incoming = untouchedIncoming(env)
  if (incoming !== null) return readIncoming(incoming, limit)
  // A chunked body (or a lying Content-Length) is counted as it arrives, so a huge one is never buffered.
  const bytes = await cappedBytes(request.body, limit)
  if (bytes === null) throw tooLarge(limit)
  return bytes
}

/** Rejects documents nested deeper than `max`, without recursion (a deep document must not overflow our stack either). */
function checkDepth(value: unknown, max: number): void {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (typeof node !== 'object' || node === null) continue
    if (depth > max) throw badRequest(`The request body nests deeper than ${max} levels`)
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
}

/**
 * Reads a JSON request body: media type checked, size capped while reading,
 * UTF-8 and JSON syntax checked, nesting depth bounded.
 *
 * `env` is the app's environment: on `@hono/node-server` the Node request is
 * read directly (see {@link untouchedIncoming}).
 *
 * @throws HttpProblemError 415 for another media type, 413 over the limit,
 * 400 for an unreadable or (unless optional) empty body.
 */
export async function readJsonBody(
  request: Request,
  options: ReadJsonBodyOptions,
  env?: unknown,
): Promise<unknown> {
  const bytes = await readCapped(request, env, options.limit)
  const text = (() => {
    try {
      return decoder.decode(bytes)
    } catch {
      throw badRequest('The request body is not valid UTF-8')
    }
  })()
  if (text.trim() === '') {
    if (options.optional) return {}
    throw badRequest('The request body is empty; send a JSON object')
  }
  const type = request.headers.get('content-type')
  const media = type?.split(';', 1)[0]?.trim() ?? ''
  if (!JSON_MEDIA_TYPE.test(media)) {
    throw new HttpProblemError(
      'UNSUPPORTED_MEDIA_TYPE',
      type === null
        ? 'Content-Type is missing; send application/json'
        : `Content-Type ${JSON.stringify(media)} is not accepted; send application/json`,
      {},
      { accept: 'application/json' },
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`)
  }
  checkDepth(value, options.max_depth)
  return value
}
