/**
 * Objects written by the S3 shipper, downloaded with the AWS SDK, verify
 * offline with only the log's public key, although checkpoints run ahead of
 * the objects; and every way of changing, dropping or reordering them, or
 * forging the consistency proof they carry, is reported with the object and
 * line where it shows.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/audit/audit-event.js'
import { canonicalJson } from '../../src/audit/canonical-json.js'
import { chainHash, GENESIS_HASH } from '../../src/audit/hash-chain.js'
import { generateSigner, verifierKey } from '../../src/evidence/note-keys.js'
import { createTransparencyLog, type TransparencyLog } from '../../src/evidence/transparency-log.js'
import { s3Sink } from '../../src/shipping/s3-sink.js'
import { createShipper } from '../../src/shipping/shipper.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store } from '../../src/store/store.js'
import { runAirlock } from '../helpers/airlock-binary.js'
import { captureCli } from '../helpers/capture-cli.js'
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../helpers/local-s3.js'
import { sampleEvent } from '../store/conformance.js'

const ORIGIN = 's3.test/airlock'
const { signer } = generateSigner(ORIGIN)
const KEY = verifierKey(signer)
const s3 = await startLocalS3(['audit'])
const dir = mkdtempSync(join(tmpdir(), 'airlock-s3-verify-'))
const sink = () =>
  s3Sink({
    bucket: 'audit',
    prefix: 'gw/',
    endpoint: s3.endpoint,
    force_path_style: true,
    credentials: LOCAL_S3_CREDENTIALS,
    await_checkpoint: true,
  })
let objects: string[]

afterAll(async () => {
  await s3.close()
  rmSync(dir, { recursive: true, force: true })
})

async function grow(store: Store, log: TransparencyLog | null, n: number) {
  for (let i = 0; i < n; i++) await store.audit.append([sampleEvent()])
  if (log) await log.checkpoint()
}

beforeAll(async () => {
  const store = memoryStore()
  const log = createTransparencyLog({ store, signer })
  const shipper = createShipper({ name: 'lake', store, sink: sink(), batch_size: 4 })
  // Nothing is shipped before the first checkpoint.
  await grow(store, null, 3)
  expect(await shipper.pass()).toBe(0)
  await log.checkpoint()
  await grow(store, log, 7)
  expect(await shipper.pass()).toBe(10)
  // Checkpoint 15 is ahead of the batches; events 16..18 wait for the next one.
  await grow(store, log, 5)
  await grow(store, null, 3)
  expect(await shipper.pass()).toBe(5)
  await shipper.stop()
  // A second shipper over the same prefix stands for a batch delivered again after a lost acknowledgement.
  const again = createShipper({ name: 'lake-again', store, sink: sink(), batch_size: 6 })
  expect(await again.pass()).toBe(15)
  await again.stop()
  mkdirSync(join(dir, 'objects'))
  for (const { key, body } of await s3.objects('audit', 'gw/')) {
    writeFileSync(join(dir, 'objects', basename(key)), body)
  }
  objects = (await s3.objects('audit', 'gw/')).map((o) => basename(o.key))
}, 60_000)

const cli = (argv: string[]) => captureCli(argv, dir)
const verify = (files: string[], key = KEY) => cli(['audit', 'verify', ...files, '--key', key])
const object = (name: string) => join('objects', name)
const lines = (name: string) =>
  readFileSync(join(dir, 'objects', name), 'utf8')
    .trimEnd()
    .split('\n')

/** A copy of the downloaded objects with `name` changed (or dropped when `change` returns null). */
function variant(name: string, change: (lines: string[]) => string[] | null): string {
  const out = `v-${Math.random().toString(36).slice(2)}`
  mkdirSync(join(dir, out))
  for (const o of objects) {
    const changed = o === name ? change(lines(o)) : lines(o)
    if (changed) writeFileSync(join(dir, out, o), `${changed.join('\n')}\n`)
  }
  return out
}

/** Re-links events from seq 1, as someone holding only the data could. */
function relink(eventLines: string[]): string[] {
  let prev = GENESIS_HASH
  return eventLines.map((line) => {
    const { prev_hash: _p, hash: _h, ...body } = JSON.parse(line) as AuditEvent
    const hash = chainHash(prev, body)
    const event = { ...body, prev_hash: prev, hash }
    prev = hash
    return canonicalJson(event)
  })
}

const trailer = (l: string[]) => JSON.parse(l.at(-1)!) as Record<string, Record<string, unknown>>

describe('airlock audit verify <downloaded S3 objects> --key', () => {
  it('ships only checkpointed events, ending each object before its checkpoint with a consistency proof', () => {
    expect(objects).toEqual([
      '000000000001-000000000004.jsonl',
      '000000000001-000000000006.jsonl',
      '000000000005-000000000008.jsonl',
      '000000000007-000000000012.jsonl',
      '000000000009-000000000010.jsonl',
      '000000000011-000000000014.jsonl',
      '000000000013-000000000015.jsonl',
      '000000000015-000000000015.jsonl',
    ])
    const first = trailer(lines(objects[0]!))
    expect(first.checkpoint!.size).toBe(10)
    expect(first.consistency).toMatchObject({ from: 4 })
    expect(trailer(lines('000000000009-000000000010.jsonl')).consistency).toBeUndefined()
  })

  it('accepts the objects, as a directory or as files, naming the checkpoint verified', async () => {
    const expected = `VALID — 15 event(s) in 8 file(s): chain intact, and they hash to the root ${ORIGIN} signed for ${ORIGIN} at size 15`
    const run = await runAirlock(['audit', 'verify', 'objects', '--key', KEY], dir)
    expect(run.stdout).toContain(expected)
    expect(run.code).toBe(0)
    const files = await verify(objects.map(object))
    expect(files.stdout).toContain(expected)
    const prefix = await verify(objects.slice(0, 3).map(object))
    expect(prefix.stdout).toContain(
      `VALID — 8 event(s) in 3 file(s): chain intact, and a consistency proof shows them to be the first 8 of the 10 events ${ORIGIN} signed for ${ORIGIN} at size 10`,
    )
    expect(prefix.code).toBe(0)
  })

  it('reports an edited event by its object and line', async () => {
    const name = objects[2]!
    const out = variant(name, (l) =>
      l.map((line, i) => (i === 1 ? line.replace('"actor":"alice"', '"actor":"mallory"') : line)),
    )
    const run = await verify([out])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `INVALID — ${join(out, name)}: line 2: hash does not match the content: the event was modified (6 event(s) verified before it)`,
    )
  })

  it('reports a repeated event that differs from the first delivery', async () => {
    const name = objects[1]!
    // Seq 3 changed and the object's chain recomputed from seq 1, so it is valid on its own.
    const out = variant(name, (l) => {
      const events = l.slice(0, -1).map((line, i) => (i === 2 ? line.replace('"alice"', '"mallory"') : line))
      return [...relink(events), l.at(-1)!]
    })
    const run = await verify([out])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `INVALID — ${join(out, name)}: seq 3 repeats an event of an earlier file with different content`,
    )
  })

  it('reports a dropped object and objects out of order', async () => {
    const out = variant(objects[4]!, () => null)
    const gapless = await verify([out])
    // Object 9-10 is wholly repeated by 7-12: dropping it loses nothing.
    expect(gapless.code).toBe(0)
    const dropped = await verify([objects[0], objects[2], objects[5]].map((o) => object(o!)))
    expect(dropped.code).toBe(1)
    expect(dropped.stdout).toContain(
      `INVALID — ${object(objects[5]!)}: line 1: seq 11 follows seq 8: events are missing or out of order; the files given end at seq 8: a file or object is missing before this one`,
    )
    const reordered = await verify([objects[0], objects[5], objects[2]].map((o) => object(o!)))
    expect(reordered.code).toBe(1)
    expect(reordered.stdout).toContain(`${object(objects[5]!)}: line 1: seq 11 follows seq 4`)
  })

  it('reports a missing, forged or misplaced consistency proof', async () => {
    const name = objects[0]!
    const without = variant(name, (l) => [
      ...l.slice(0, -1),
      canonicalJson({ checkpoint: trailer(l).checkpoint }),
    ])
    const bare = await verify([without])
    expect(bare.code).toBe(1)
    expect(bare.stdout).toContain(
      `${join(without, name)}: the events end at seq 4 but the signed checkpoint covers 10: events were cut off the end, or the consistency proof from 4 to 10 was removed`,
    )
    const forgedProof = variant(name, (l) => {
      const { checkpoint, consistency } = trailer(l)
      const proof = (consistency!.proof as string[]).map((p, i) =>
        i === 0 ? Buffer.alloc(32, 7).toString('base64') : p,
      )
      return [...l.slice(0, -1), canonicalJson({ checkpoint, consistency: { ...consistency, proof } })]
    })
    const forged = await verify([forgedProof])
    expect(forged.code).toBe(1)
    expect(forged.stdout).toContain(
      `${join(forgedProof, name)}: the consistency proof from size 4 to the signed checkpoint of size 10 does not verify against the root of the 4 events read`,
    )
    const cut = variant(name, (l) => [...l.slice(0, 3), l.at(-1)!])
    const short = await verify([cut])
    expect(short.code).toBe(1)
    expect(short.stdout).toContain(
      `${join(cut, name)}: the consistency proof starts at size 4 but the events end at seq 3`,
    )
  })

  it('refuses an object emptied down to its genuine checkpoint line with a proof from 0', async () => {
    const name = objects[0]!
    const emptied = variant(name, (l) => {
      const { checkpoint } = trailer(l)
      return [canonicalJson({ checkpoint, consistency: { from: 0, proof: [] } })]
    })
    const run = await verify([join(emptied, name)])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`${join(emptied, name)}: no event comes before the signed checkpoint`)
  })

  it('reports a wrong key', async () => {
    const other = verifierKey(generateSigner(ORIGIN).signer)
    const run = await verify(['objects'], other)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `INVALID — ${object(objects[0]!)}: the checkpoint line: the checkpoint carries no valid signature by ${ORIGIN}`,
    )
  })
})
