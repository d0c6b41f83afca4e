/**
 * A gateway that publishes a checkpoint only once k witnesses cosigned it,
 * against witnesses served over HTTP on loopback (tlog-witness protocol).
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, describe, expect, it } from 'vitest'
import { openCheckpoint } from '../../src/evidence/checkpoint.js'
import { cosignedAt } from '../../src/evidence/cosignature.js'
import {
  generateSigner,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  verifierKey,
} from '../../src/evidence/note-keys.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { createWitness, memoryWitnessState } from '../../src/evidence/witness.js'
import { witnessCosigner } from '../../src/evidence/witness-client.js'
import { witnessHandler } from '../../src/evidence/witness-http.js'
import { memoryStore } from '../../src/store/memory/index.js'
import { sampleEvent } from '../store/conformance.js'

const ORIGIN = 'example.test/gateway'
const log = generateSigner(ORIGIN).signer
const logVerifier = parseVerifierKey(verifierKey(log))
const servers: ReturnType<typeof serve>[] = []

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))))
})

async function startWitness(name: string) {
  const signer = generateSigner(name, SIG_COSIGNATURE_V1).signer
  const witness = createWitness({
    signer,
    logs: new Map([[ORIGIN, logVerifier]]),
    state: memoryWitnessState(),
  })
  const server = serve({ fetch: witnessHandler(witness), port: 0, hostname: '127.0.0.1' })
  servers.push(server)
  await new Promise<void>((done) => server.once('listening', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    key: verifierKey(signer),
    verifier: parseVerifierKey(verifierKey(signer)),
  }
}

describe('checkpoints cosigned by witnesses', () => {
  it('publishes with k cosignatures, catches a late witness up, and publishes nothing for a fork', async () => {
    const a = await startWitness('witness-a')
    const b = await startWitness('witness-b')
    const store = memoryStore()
    const gateway = createTransparencyLog({
      store,
      signer: log,
      publish: witnessCosigner({ required: 1, list: [a], timeout_ms: 5000 }),
    })
    await store.audit.append([sampleEvent(), sampleEvent(), sampleEvent()])
    const first = await gateway.checkpoint()
    expect(first.size).toBe(3)
    expect(cosignedAt(openCheckpoint(first.note, logVerifier).parsed, a.verifier)).not.toBeNull()

    // Witness b joins later: it holds nothing, answers 409 with size 0, and cosigns from there.
    const both = createTransparencyLog({
      store,
      signer: log,
      publish: witnessCosigner({ required: 2, list: [a, b], timeout_ms: 5000 }),
    })
    await store.audit.append([sampleEvent(), sampleEvent()])
    const second = await both.checkpoint()
    expect(second.size).toBe(5)
    const parsed = openCheckpoint(second.note, logVerifier).parsed
    expect(cosignedAt(parsed, a.verifier)).not.toBeNull()
    expect(cosignedAt(parsed, b.verifier)).not.toBeNull()

    // The same key signs a rewritten history in another store: no witness cosigns it, so it is never published.
    const forkStore = memoryStore()
    const fork = createTransparencyLog({
      store: forkStore,
      signer: log,
      publish: witnessCosigner({ required: 1, list: [a, b], timeout_ms: 5000 }),
    })
    await forkStore.audit.append(Array.from({ length: 6 }, () => sampleEvent({ reason: 'rewritten' })))
    const refused = await fork.checkpoint().catch((error: unknown) => error as Error & { code: string })
    expect(refused).toMatchObject({ code: 'WITNESS_QUORUM_MISSING' })
    expect((refused as Error).message).toMatch(/0 of 1 required cosignatures.*HTTP 422/)
    expect(await forkStore.merkle!.latestCheckpoint()).toBeNull()
  })
})

/** Serves `app` on loopback; its base URL. */
async function standIn(app: Hono): Promise<string> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  servers.push(server)
  await new Promise<void>((done) => server.once('listening', done))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('answers a witness may not give', () => {
  it('counts a redirect, an endless answer and a forged line as no cosignature, and publishes only valid lines', async () => {
    const real = await startWitness('witness-a')
    const redirecting = new Hono().post('*', (c) =>
      c.redirect(`${real.url}${new URL(c.req.url).pathname}`, 307),
    )
    const endless = new Hono().post('*', (c) => c.text('x'.repeat(200_000)))
    // Forwards to the real witness and puts a malformed and a forged line of its name before the genuine one.
    const forging = new Hono().post('*', async (c) => {
      const answer = await fetch(`${real.url}${new URL(c.req.url).pathname}`, {
        method: 'POST',
        body: await c.req.text(),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      })
      const text = await answer.text()
      return c.text(
        answer.status === 200 ? `\u2014 witness-a AAAA\n\u2014 witness-a AAAAforged\n${text}` : text,
        answer.status as 200,
      )
    })
    const urls = {
      redirecting: await standIn(redirecting),
      endless: await standIn(endless),
      forging: await standIn(forging),
    }
    const store = memoryStore()
    await store.audit.append([sampleEvent(), sampleEvent()])
    const only = (url: string) =>
      createTransparencyLog({
        store,
        signer: log,
        publish: witnessCosigner({ required: 1, list: [{ url, key: real.key }], timeout_ms: 5000 }),
      }).checkpoint()
    await expect(only(urls.redirecting)).rejects.toThrow(/0 of 1 required cosignatures.*redirect/)
    await expect(only(urls.endless)).rejects.toThrow(/longer than 65536 bytes/)
    const published = await only(urls.forging)
    expect(published.note).not.toContain('AAAAforged')
    expect(cosignedAt(openCheckpoint(published.note, logVerifier).parsed, real.verifier)).not.toBeNull()
    expect(() =>
      witnessCosigner({
        required: 1,
        list: [{ url: 'https://user:secret@w.example', key: real.key }],
        timeout_ms: 1,
      }),
    ).toThrow(/witness 1: the URL carries a user name or password/)
  })
})

describe('the witness endpoint', () => {
  it('refuses a body past 64 KiB, declared or sent in chunks, without reading it all', async () => {
    const witness = await startWitness('witness-big')
    const declared = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: 'x'.repeat(70_000),
    })
    expect(declared.status).toBe(413)
    let sent = 0
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit, if the server went on reading.
        if (sent >= 64 * 1024 * 1024) return controller.close()
        sent += 64 * 1024
        controller.enqueue(new Uint8Array(64 * 1024))
      },
    })
    const chunked = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(sent).toBeLessThan(64 * 1024 * 1024)
  })
})
