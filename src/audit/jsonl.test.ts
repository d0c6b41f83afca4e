import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent, AuditEventInput } from './audit-event.js'
import { canonicalJson } from './canonical-json.js'
import { chainHash, GENESIS_HASH, linkHash } from './hash-chain.js'
import { exportJsonl, parseAuditEventLine, readJsonl, verifyJsonlFile } from './jsonl.js'

function input(n: number): AuditEventInput {
  return {
    id: `evt-${n.toString(16).padStart(24, '0')}`,
    ts: `2025-06-15T12:00:0${n % 10}.000Z`,
    tenant_id: 't1',
    request_id: `req-${n}`,
    status: 'allowed',
    action: 'restart_deployment',
    actor: 'agent-1',
    target: 'dev/app',
    decision: 'allow',
    reason: 'dev allow-all',
    rule: 'allow-dev',
    risk_class: 'medium',
    effective_risk: 'low',
    inputs: { deployment: 'app', replicas: n, note: 'é' },
    result: null,
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: null,
    ticket_id: null,
    context: null,
  }
}

function chain(count: number): AuditEvent[] {
  const events: AuditEvent[] = []
  let prev = GENESIS_HASH
  for (let seq = 1; seq <= count; seq++) {
    const body = { ...input(seq), seq }
    const hash = chainHash(prev, body)
    events.push({ ...body, prev_hash: prev, hash })
    prev = hash
  }
  return events
}

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve()
    yield item
  }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-jsonl-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function fileOf(name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, lines.map((l) => `${l}\n`).join(''))
  return path
}

async function exported(events: readonly AuditEvent[]): Promise<string[]> {
  const sink = new PassThrough()
  const chunks: Buffer[] = []
  sink.on('data', (c: Buffer) => chunks.push(c))
  await exportJsonl(slowly(events), sink)
  sink.end()
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
}

describe('exportJsonl', () => {
  it('writes one canonical JSON line per event, in order, and returns the count', async () => {
    const events = chain(3)
    const lines = await exported(events)
    expect(lines).toEqual(events.map((e) => canonicalJson(e)))
  })

  it('waits for the output to drain instead of buffering without bound', async () => {
    const events = chain(50)
    const longest = Math.max(...events.map((e) => Buffer.byteLength(`${canonicalJson(e)}\n`)))
    const received: string[] = []
    let mostBuffered = 0
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, done) {
        mostBuffered = Math.max(mostBuffered, slow.writableLength)
        setImmediate(() => {
          received.push(chunk.toString('utf8'))
          done()
        })
      },
    })
    await expect(exportJsonl(events, slow)).resolves.toBe(50)
    await new Promise<void>((resolve) => slow.end(resolve))
    expect(received.join('')).toBe(events.map((e) => `${canonicalJson(e)}\n`).join(''))
    expect(mostBuffered).toBeLessThanOrEqual(longest)
  })

  it('rejects when the output fails', async () => {
    const failing = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, done) {
        done(new Error('disk full'))
      },
    })
    await expect(exportJsonl(slowly(chain(20)), failing)).rejects.toThrow('disk full')
  })
})

describe('readJsonl', () => {
  it('yields events and line-numbered errors, skipping blank lines', async () => {
    const [e1, e2] = chain(2)
    const path = await fileOf('mixed.jsonl', [
      canonicalJson(e1),
      '',
      '{not json',
      '[1,2]',
      JSON.stringify({ seq: 2 }),
      '   ',
      canonicalJson(e2),
    ])
    const items = []
    for await (const item of readJsonl(path)) items.push(item)
    expect(items.map((i) => ('event' in i ? { line: i.line, seq: i.event.seq } : { line: i.line }))).toEqual([
      { line: 1, seq: 1 },
      { line: 3 },
      { line: 4 },
      { line: 5 },
      { line: 7, seq: 2 },
    ])
    const errors = items.flatMap((i) => ('error' in i ? [i.error] : []))
    expect(errors[0]).toMatch(/^invalid JSON/)
    expect(errors[1]).toBe('not a JSON object')
    expect(errors[2]).toBe('missing field "prev_hash"')
  })

  it('reports a line that was reformatted, even with the same values', () => {
    const [e1] = chain(1)
    expect(parseAuditEventLine(JSON.stringify(e1, null, 1).replace(/\n/g, ''))).toEqual({
      error: 'not in canonical form (the line was edited or written by another tool)',
    })
    expect('event' in parseAuditEventLine(JSON.stringify(e1), { requireCanonical: false })).toBe(true)
  })

  it('reports a field of the wrong type', () => {
    const [e1] = chain(1)
    const result = parseAuditEventLine(JSON.stringify({ ...e1, seq: 'one' }))
    expect(result).toMatchObject({ error: expect.stringMatching(/^field "seq": /) })
  })

  it('names the first field out of shape', () => {
    const [e1] = chain(1)
    const error = (changed: object) => parseAuditEventLine(JSON.stringify({ ...e1, ...changed }))
    expect(error({ seq: 0 })).toEqual({ error: 'field "seq": expected a number ≥ 1' })
    expect(error({ seq: 1.5 })).toEqual({ error: 'field "seq": expected a whole number' })
    expect(error({ hash: 'ABC' })).toEqual({ error: 'field "hash": expected 64 lower-case hex characters' })
    expect(error({ actor: null })).toEqual({ error: 'field "actor": expected a string' })
    expect(error({ target: 3 })).toEqual({ error: 'field "target": expected a string or null' })
    expect(error({ context: [] })).toEqual({ error: 'field "context": expected an object or null' })
  })
})

describe('verifyJsonlFile', () => {
  it('accepts an intact exported chain, with Windows line endings too', async () => {
    const lines = await exported(chain(5))
    const path = await fileOf('intact.jsonl', lines)
    const events = chain(5)
    expect(await verifyJsonlFile(path)).toEqual({
      valid: true,
      count: 5,
      head: { seq: 5, hash: events[4]!.hash },
    })
    const crlf = join(dir, 'crlf.jsonl')
    await writeFile(crlf, lines.map((l) => `${l}\r\n`).join(''))
    expect(await verifyJsonlFile(crlf)).toMatchObject({ valid: true, count: 5 })
  })

  it('accepts an empty file', async () => {
    expect(await verifyJsonlFile(await fileOf('empty.jsonl', []))).toEqual({
      valid: true,
      count: 0,
      head: null,
    })
  })

  it('detects a modified event', async () => {
    const events = chain(4)
    const tampered = events.map((e) => (e.seq === 3 ? { ...e, actor: 'someone-else' } : e))
    const path = await fileOf(
      'modified.jsonl',
      tampered.map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(path)).toEqual({
      valid: false,
      count: 2,
      seq: 3,
      line: 3,
      reason: expect.stringMatching(/^line 3: .*modified/),
    })
  })

  it('detects a modified event whose hash was recomputed', async () => {
    const events = chain(4)
    const e2 = events[1]!
    const { prev_hash, hash: _old, ...body } = { ...e2, reason: 'nothing to see' }
    const forged = { ...body, prev_hash, hash: chainHash(prev_hash, body) }
    const path = await fileOf(
      'forged.jsonl',
      events.map((e) => canonicalJson(e.seq === 2 ? forged : e)),
    )
    expect(await verifyJsonlFile(path)).toMatchObject({ valid: false, seq: 3, line: 3, count: 2 })
  })

  it('detects a deleted event', async () => {
    const events = chain(4).filter((e) => e.seq !== 2)
    const path = await fileOf(
      'deleted.jsonl',
      events.map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(path)).toEqual({
      valid: false,
      count: 1,
      seq: 3,
      line: 2,
      reason: expect.stringMatching(/^line 2: seq 3 follows seq 1/),
    })
  })

  it('detects a deleted first event', async () => {
    const path = await fileOf(
      'no-genesis.jsonl',
      chain(3)
        .slice(1)
        .map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(path)).toMatchObject({ valid: false, seq: 2, line: 1, count: 0 })
  })

  it('detects reordered events', async () => {
    const [e1, e2, e3] = chain(3)
    const path = await fileOf(
      'reordered.jsonl',
      [e1!, e3!, e2!].map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(path)).toMatchObject({ valid: false, seq: 3, line: 2, count: 1 })
  })

  it('detects renumbered events spliced into the chain', async () => {
    const events = chain(3)
    const renumbered = { ...events[2]!, seq: 2 }
    const path = await fileOf(
      'spliced.jsonl',
      [events[0]!, renumbered].map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(path)).toMatchObject({
      valid: false,
      seq: 2,
      line: 2,
      reason: expect.stringMatching(/^line 2: prev_hash does not match/),
    })
  })

  it('reports a broken line by its line number instead of throwing', async () => {
    const lines = chain(3).map((e) => canonicalJson(e))
    const path = await fileOf('broken.jsonl', [lines[0]!, '', lines[1]!.slice(0, 40), lines[2]!])
    expect(await verifyJsonlFile(path)).toMatchObject({
      valid: false,
      seq: 2,
      line: 3,
      count: 1,
      reason: expect.stringMatching(/^line 3: invalid JSON/),
    })
  })

  it('reports a line nested deeper than an event may be by its line number instead of throwing', async () => {
    const [first, second] = chain(2)
    const deep = canonicalJson({ ...second!, inputs: null }).replace(
      '"inputs":null',
      `"inputs":${'['.repeat(1001)}${']'.repeat(1001)}`,
    )
    const path = await fileOf('deep.jsonl', [canonicalJson(first!), deep])
    expect(await verifyJsonlFile(path)).toMatchObject({
      valid: false,
      line: 2,
      count: 1,
      reason: expect.stringMatching(
        /^line 2: cannot be canonicalised: canonical JSON cannot represent a cycle/,
      ),
    })
  })

  it('detects a cut-off tail only against a checkpoint head', async () => {
    const events = chain(5)
    const path = await fileOf(
      'truncated.jsonl',
      events.slice(0, 3).map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(path)).toMatchObject({ valid: true, count: 3 })
    expect(await verifyJsonlFile(path, { head: { seq: 5, hash: events[4]!.hash } })).toMatchObject({
      valid: false,
      seq: 4,
      reason: 'the file ends at seq 3 but the checkpoint head is seq 5',
    })
    expect(await verifyJsonlFile(path, { head: { seq: 3, hash: events[2]!.hash } })).toMatchObject({
      valid: true,
    })
    expect(await verifyJsonlFile(path, { head: { seq: 2, hash: 'f'.repeat(64) } })).toMatchObject({
      valid: false,
      seq: 2,
    })
  })

  it('accepts a shipped file ending in its checkpoint line, and nothing after it', async () => {
    const events = chain(3)
    const trailer = canonicalJson({ checkpoint: { origin: 'o', size: 3, root: 'r', note: 'n' } })
    const lines = [...events.map((e) => canonicalJson(e)), trailer]
    const shipped = await fileOf('shipped.jsonl', lines)
    expect(await verifyJsonlFile(shipped, { checkpoints: true })).toMatchObject({
      valid: true,
      count: 3,
      checkpoint: trailer,
    })
    expect(await verifyJsonlFile(shipped)).toMatchObject({ valid: false, line: 4 })
    const after = await fileOf('after.jsonl', [...lines.slice(0, 2), trailer, lines[2]!])
    expect(await verifyJsonlFile(after, { checkpoints: true })).toMatchObject({
      valid: false,
      line: 4,
      reason: 'line 4: a line follows the checkpoint line, which must be the last',
    })
  })

  it('verifies a partial export from an anchor', async () => {
    const events = chain(5)
    const path = await fileOf(
      'partial.jsonl',
      events.slice(2).map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(path, { after: { seq: 2, hash: events[1]!.hash } })).toMatchObject({
      valid: true,
      count: 3,
    })
    expect(await verifyJsonlFile(path, { after: { seq: 2, hash: events[0]!.hash } })).toMatchObject({
      valid: false,
    })
  })

  it('verifies what exportJsonl wrote to a real file', async () => {
    const { createWriteStream } = await import('node:fs')
    const path = join(dir, 'roundtrip.jsonl')
    const out = createWriteStream(path)
    await exportJsonl(slowly(chain(200)), out)
    await new Promise<void>((resolve) => out.end(resolve))
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(201)
    expect(await verifyJsonlFile(path)).toMatchObject({ valid: true, count: 200 })
  })
})

/**
 * Gives each line from `from` on the `prev_hash` of the line before and a
 * hash over its own text, as a forger rewriting the rest of the file would:
 * the lines reach the hash check whatever else was done to them.
 */
function rechained(lines: readonly string[], from: number): string[] {
  const out = [...lines]
  let prev = from === 0 ? GENESIS_HASH : hashIn(out[from - 1]!)!
  for (let i = from; i < out.length; i++) {
    const oldPrev = /"prev_hash":"([0-9a-f]{64})"/.exec(out[i]!)?.[1]
    const oldHash = hashIn(out[i]!)
    if (oldPrev === undefined || oldHash === undefined) return out
    const line = out[i]!.replace(`"prev_hash":"${oldPrev}"`, `"prev_hash":"${prev}"`)
    const body = line.replace(`,"hash":"${oldHash}"`, '').replace(`,"prev_hash":"${prev}"`, '')
    prev = linkHash(prev, body)
    out[i] = line.replace(`"hash":"${oldHash}"`, `"hash":"${prev}"`)
  }
  return out
}

function hashIn(line: string): string | undefined {
  return /"hash":"([0-9a-f]{64})"/.exec(line)?.[1]
}

describe('verifyJsonlFile, reading lines from their bytes', () => {
  // A caller handed each event takes the full path for every line: the two must agree on every file.
  const fullPath = { onVerified: () => undefined }

  // Edits that keep a line valid JSON with the same values but not canonical, and a duplicate.
  const RESPELLINGS: readonly (readonly [string, string])[] = [
    ['"actor":"agent-1","approval_id":null', '"approval_id":null,"actor":"agent-1"'],
    ['"deployment":"app","note"', '"note":"\\u00e9","deployment":"app","dummy"'],
    ['"deployment":"app"', '"deployment":"a\\/pp"'],
    ['"deployment":"app"', '"deployment":"\\u0061pp"'],
    ['"replicas":', '"replicas":1.0,"s":'],
    ['"actor":"agent-1"', '"actor":"agent-1","actor":"agent-1"'],
    ['"inputs":{', '"inputs":{ '],
    ['"seq":', '"seq":0'],
  ]

  it('answers exactly as the full path for any edit, rechained or not', async () => {
    // Escapes in a string, so edits can break or respell them; rechained to stay a valid chain.
    const escaped = (await exported(chain(4))).map((line, i) =>
      i === 1 ? line.replace('"é"', '"a\\"b\\u0001é"') : line,
    )
    const lines = rechained(escaped, 1)
    expect(await verifyJsonlFile(await fileOf('escaped.jsonl', lines))).toMatchObject({
      valid: true,
      count: 4,
    })
    const random = fc.record({
      at: fc.nat(),
      text: fc.oneof(
        fc.constantFrom(' ', '\\', '/', 'u', '0', '.', 'e', '"', ',', '}', ']', '-', 'é'),
        fc.string(),
      ),
      remove: fc.nat(3),
    })
    const edit = fc.record({
      line: fc.nat(3),
      change: fc.oneof(
        random,
        fc.constantFrom(...RESPELLINGS).map(([from, to]) => ({ from, to })),
      ),
      rechain: fc.boolean(),
    })
    let n = 0
    await fc.assert(
      fc.asyncProperty(edit, async ({ line, change, rechain }) => {
        const target = lines[line]!
        const edited = [...lines]
        if ('from' in change) edited[line] = target.replace(change.from, change.to)
        else {
          const i = change.at % target.length
          edited[line] = target.slice(0, i) + change.text + target.slice(i + change.remove)
        }
        const path = await fileOf(`edited-${n++}.jsonl`, rechain ? rechained(edited, line) : edited)
        expect(await verifyJsonlFile(path)).toEqual(await verifyJsonlFile(path, fullPath))
        const head = { seq: 4, hash: hashIn(lines[3]!)! }
        expect(await verifyJsonlFile(path, { head })).toEqual(
          await verifyJsonlFile(path, { head, ...fullPath }),
        )
      }),
      { numRuns: 400 },
    )
  })

  it('refuses a rechained line that is valid but not canonical, as the full path does', async () => {
    const lines = await exported(chain(3))
    for (const [from, to] of RESPELLINGS) {
      const path = await fileOf(
        'respelt.jsonl',
        rechained(
          lines.map((l, i) => (i === 1 ? l.replace(from, to) : l)),
          1,
        ),
      )
      const result = await verifyJsonlFile(path)
      expect(result, to).toMatchObject({ valid: false, line: 2, seq: 2, count: 1 })
      expect(result).toEqual(await verifyJsonlFile(path, fullPath))
    }
  })

  it('accepts a rechained line only where the full path does: a renamed field is missing', async () => {
    const lines = await exported(chain(3))
    const renamed = rechained(
      lines.map((line, i) => (i === 1 ? line.replace('"actor":', '"bctor":') : line)),
      1,
    )
    const path = await fileOf('renamed.jsonl', renamed)
    const result = await verifyJsonlFile(path)
    expect(result).toMatchObject({ valid: false, line: 2, seq: 2, count: 1 })
    expect(result).toEqual(await verifyJsonlFile(path, fullPath))
  })

  it('verifies a file longer than one read, with a line cut across reads, from its bytes', async () => {
    const events = chain(300)
    const path = await fileOf('long.jsonl', await exported(events))
    expect(await verifyJsonlFile(path)).toEqual({
      valid: true,
      count: 300,
      head: { seq: 300, hash: events[299]!.hash },
    })
  })
})
