import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { HttpProblemError } from './problem.js'
import { readJsonBody } from './read-json-body.js'

const options = { limit: 64, optional: false, max_depth: 4 }

function post(body: BodyInit | null, type: string | null = 'application/json'): Request {
  return new Request('http://localhost/x', {
    method: 'POST',
    headers: type === null ? {} : { 'content-type': type },
    ...(body === null ? {} : { body }),
  })
}

async function problemOf(promise: Promise<unknown>): Promise<{ status: number; detail: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof HttpProblemError))
    throw new Error(`expected an HttpProblemError, got ${String(error)}`)
  return { status: error.body.status, detail: error.body.detail }
}

/** A stand-in for Node's IncomingMessage, as `@hono/node-server` passes it in `env.incoming`. */
function incoming(chunks: string[]): EventEmitter & Record<string, unknown> {
  const emitter = new EventEmitter() as EventEmitter & Record<string, unknown>
  Object.assign(emitter, {
    readableDidRead: false,
    readableEnded: false,
    complete: false,
    resume: () => emitter,
  })
  setImmediate(() => {
    for (const chunk of chunks) emitter.emit('data', Buffer.from(chunk))
    emitter.complete = true
    emitter.emit('end')
    emitter.emit('close')
  })
  return emitter
}

describe('readJsonBody', () => {
  it('parses a JSON body, with or without a charset, and +json media types', async () => {
    expect(await readJsonBody(post('{"a":1}'), options)).toEqual({ a: 1 })
    expect(await readJsonBody(post('[1]', 'application/json; charset=utf-8'), options)).toEqual([1])
    expect(await readJsonBody(post('{}', 'application/merge-patch+json'), options)).toEqual({})
  })

  it('reads an empty body as {} only when the body is optional', async () => {
    expect(await readJsonBody(post(null, null), { ...options, optional: true })).toEqual({})
    expect((await problemOf(readJsonBody(post(''), options))).detail).toMatch(/empty/)
  })

  it('refuses other media types with 415', async () => {
    expect(await problemOf(readJsonBody(post('{}', 'text/plain'), options))).toMatchObject({ status: 415 })
    expect(await problemOf(readJsonBody(post('{}', null), options))).toMatchObject({ status: 415 })
  })

  it('refuses bodies over the limit with 413, streamed or declared', async () => {
    expect(await problemOf(readJsonBody(post(`"${'x'.repeat(100)}"`), options))).toMatchObject({
      status: 413,
    })
  })

  it('names JSON syntax errors, invalid UTF-8 and excessive nesting', async () => {
    expect((await problemOf(readJsonBody(post('{"a":'), options))).detail).toMatch(/not valid JSON/)
    expect(
      (await problemOf(readJsonBody(post(new Uint8Array([0x22, 0xc3, 0x28, 0x22])), options))).detail,
    ).toMatch(/UTF-8/)
    expect((await problemOf(readJsonBody(post('[[[[[1]]]]]'), options))).detail).toMatch(/deeper than 4/)
    expect(await readJsonBody(post('[[[[1]]]]'), options)).toEqual([[[[1]]]])
  })

  it('reads an untouched Node request directly', async () => {
    const env = { incoming: incoming(['{"a":', '2}']) }
    expect(await readJsonBody(post(null), options, env)).toEqual({ a: 2 })
  })

  it('stops reading a Node request at the limit', async () => {
    const env = { incoming: incoming(['"', 'x'.repeat(40), 'x'.repeat(40), '"']) }
    expect(await problemOf(readJsonBody(post(null), options, env))).toMatchObject({ status: 413 })
  })

  it('falls back to the Request body when the Node request was already read', async () => {
    const used = incoming([])
    used.readableDidRead = true
    expect(await readJsonBody(post('{"b":3}'), options, { incoming: used })).toEqual({ b: 3 })
  })
})
