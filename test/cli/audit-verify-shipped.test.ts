/**
 * `airlock audit verify <shipped files> --key`: files written by the files
 * shipper, checked offline against the signed checkpoints they end with.
 * Every way of changing them that keeps the hash chain intact still fails
 * on the signed root.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/audit/audit-event.js'
import { canonicalJson } from '../../src/audit/canonical-json.js'
import { chainHash, GENESIS_HASH } from '../../src/audit/hash-chain.js'
import { signCheckpoint } from '../../src/evidence/checkpoint.js'
import { CompactTree } from '../../src/evidence/compact-range.js'
import { eventLeafHash } from '../../src/evidence/integrate-committed.js'
import { generateSigner, SIG_COSIGNATURE_V1, verifierKey } from '../../src/evidence/note-keys.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { filesSink } from '../../src/shipping/files-sink.js'
import { createShipper } from '../../src/shipping/shipper.js'
import { memoryStore } from '../../src/store/memory/index.js'
import { captureCli } from '../helpers/capture-cli.js'
import { sampleEvent } from '../store/conformance.js'

const ORIGIN = 'shipped.test/airlock'
const { signer } = generateSigner(ORIGIN)
const KEY = verifierKey(signer)
let dir: string
let shipped: string[]

const cli = (argv: string[]) => captureCli(argv, dir)
const verify = (files: string[], key = KEY) => cli(['audit', 'verify', ...files, '--key', key])
const lines = (name: string) => readFileSync(join(dir, name), 'utf8').trimEnd().split('\n')

/** Writes a changed copy of a shipped file and returns its name. */
function variant(name: string, change: (lines: string[]) => string[]): string {
  const out = `changed-${Math.random().toString(36).slice(2)}-${name}`
  writeFileSync(join(dir, out), `${change(lines(name)).join('\n')}\n`)
  return out
}

/** Re-links every event from the first, as someone holding only the data could. */
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

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-verify-shipped-'))
  const store = memoryStore()
  const log = createTransparencyLog({ store, signer })
  // A batch smaller than a round: files must still end exactly at a checkpoint.
  const sink = filesSink({ dir: join(dir, 'out'), max_bytes: 1_500 })
  const shipper = createShipper({ name: 'archive', store, sink, batch_size: 3 })
  for (let round = 0; round < 4; round++) {
    await store.audit.append(Array.from({ length: 7 }, () => sampleEvent()))
    await log.checkpoint()
    await shipper.pass()
  }
  await shipper.stop()
  shipped = readdirSync(join(dir, 'out'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
  for (const f of shipped) writeFileSync(join(dir, f), readFileSync(join(dir, 'out', f)))
  expect(shipped.length).toBeGreaterThan(1)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('airlock audit verify <shipped files> --key', () => {
  it('accepts the shipped files: chain intact and hashing to the signed root', async () => {
    const first = await verify([shipped[0]!])
    expect(first.stdout).toMatch(/^VALID — \d+ event\(s\) in 1 file\(s\): chain intact, and they hash/)
    expect(first.code).toBe(0)
    const all = await verify(shipped)
    const size = Number(/-(\d{12})\.jsonl$/.exec(shipped.at(-1)!)![1])
    expect(all.stdout).toContain(
      `VALID — ${size} event(s) in ${shipped.length} file(s): chain intact, and they hash to the root ${ORIGIN} signed for ${ORIGIN} at size ${size}`,
    )
    expect(all.code).toBe(0)
    const witness = verifierKey(generateSigner('witness.test', SIG_COSIGNATURE_V1).signer)
    const uncosigned = await cli(['audit', 'verify', ...shipped, '--key', KEY, '--witness', witness])
    expect(uncosigned.code).toBe(1)
    expect(uncosigned.stdout).toContain(`no valid cosignature by witness witness.test`)
    const json = await cli(['audit', 'verify', ...shipped, '--key', KEY, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, count: size, checkpoint: { size } })
  })

  it('reports an edited event by its line', async () => {
    const edited = variant(shipped[0]!, (l) =>
      l.map((line, i) => (i === 1 ? line.replace('"actor":"alice"', '"actor":"mallory"') : line)),
    )
    const run = await verify([edited])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`INVALID — ${edited}: line 2: hash does not match the content`)
  })

  it('reports an edited event whose chain was rewritten to hide it: the signed root differs', async () => {
    const rewritten = variant(shipped[0]!, (l) => {
      const events = l.slice(0, -1).map((line, i) => (i === 1 ? line.replace('"alice"', '"mallory"') : line))
      return [...relink(events), l.at(-1)!]
    })
    const run = await verify([rewritten])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('events hash to a different root than the signed checkpoint')
  })

  it('reports events cut off the end, with or without the checkpoint line', async () => {
    const cut = variant(shipped[0]!, (l) => [...l.slice(0, -2), l.at(-1)!])
    const run = await verify([cut])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /events end at seq \d+ but the signed checkpoint covers \d+: events were cut off/,
    )
    const noCheckpoint = variant(shipped[0]!, (l) => l.slice(0, -2))
    const bare = await verify([noCheckpoint])
    expect(bare.code).toBe(1)
    expect(bare.stdout).toContain('the file does not end with a checkpoint line')
  })

  it('without --key, holds the sizes its checkpoint line states against the events, and says the signature was not checked', async () => {
    const first = await cli(['audit', 'verify', shipped[0]!])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(
      /^VALID — \d+ event\(s\), chain intact; the checkpoint line it ends with fits them, but its signature was not checked: add --key/,
    )
    const cut = variant(shipped[0]!, (l) => [...l.slice(0, -2), l.at(-1)!])
    const run = await cli(['audit', 'verify', cut])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /INVALID — broken at seq \d+: the events end at seq \d+ but the signed checkpoint covers \d+: events were cut off/,
    )
    const edited = variant(shipped[0]!, (l) => [
      ...l.slice(0, -1),
      l.at(-1)!.replace('"checkpoint":{', '"checkpoint":{"extra":1,'),
    ])
    const garbled = await cli(['audit', 'verify', edited])
    expect(garbled.code).toBe(1)
    expect(garbled.stdout).toContain("the checkpoint line's checkpoint: Unrecognized key")
  })

  it('reports reordered events and a file missing from the sequence', async () => {
    const swapped = variant(shipped[0]!, (l) => [l[1]!, l[0]!, ...l.slice(2)])
    const run = await verify([swapped])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('line 1: seq 2 follows seq 0: events are missing or out of order')
    const later = await verify(shipped.slice(1))
    expect(later.code).toBe(1)
    expect(later.stdout).toContain(
      'if this is not the first shipped file, give every file from the one holding seq 1',
    )
  })

  it('reports a wrong key, a forged checkpoint and an altered checkpoint line', async () => {
    const other = generateSigner(ORIGIN).signer
    const wrong = await verify([shipped[0]!], verifierKey(other))
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toContain(`the checkpoint carries no valid signature by ${ORIGIN}`)

    // A history rewritten end to end, with a checkpoint signed by a key that is not the log's.
    const forged = variant(shipped[0]!, (l) => {
      const events = relink(l.slice(0, -1).map((line) => line.replace('"alice"', '"mallory"')))
      const cp = JSON.parse(l.at(-1)!) as { checkpoint: { size: number } }
      const { root } = rootOf(events)
      const note = signCheckpoint({ origin: ORIGIN, size: cp.checkpoint.size, root, extensions: [] }, [other])
      const line = { origin: ORIGIN, size: cp.checkpoint.size, root: Buffer.from(root).toString('hex'), note }
      return [...events, canonicalJson({ checkpoint: line })]
    })
    const fake = await verify([forged])
    expect(fake.code).toBe(1)
    expect(fake.stdout).toContain('no valid signature')
    expect(fake.stdout).toContain('forged or altered')

    const altered = variant(shipped[0]!, (l) => {
      const cp = JSON.parse(l.at(-1)!) as { checkpoint: { size: number } }
      return [
        ...l.slice(0, -1),
        canonicalJson({ checkpoint: { ...cp.checkpoint, size: cp.checkpoint.size + 1 } }),
      ]
    })
    const edited = await verify([altered])
    expect(edited.code).toBe(1)
    expect(edited.stdout).toMatch(/the checkpoint line's size \(\d+\) differs from its signed note/)
  })

  it('keeps its behaviour without --key, and asks for --key for several files', async () => {
    const plain = await cli(['audit', 'verify', shipped[0]!])
    expect(plain.code).toBe(0)
    expect(plain.stdout).toMatch(/^VALID — \d+ event\(s\), chain intact/)
    const several = await cli(['audit', 'verify', ...shipped])
    expect(several.code).toBe(2)
    expect(several.stderr).toContain('add --key')
    const mixed = await cli(['audit', 'verify', shipped[0]!, '--checkpoint', 'x.note', '--key', KEY])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toContain('--checkpoint checks a checkpoint note and proofs, not files')
  })
})

/** The RFC 6962 root of canonical event lines, computed with the tree the log uses. */
function rootOf(eventLines: string[]): { root: Uint8Array } {
  const tree = new CompactTree()
  for (const line of eventLines) tree.append(eventLeafHash(JSON.parse(line) as AuditEvent))
  return { root: tree.root() }
}
