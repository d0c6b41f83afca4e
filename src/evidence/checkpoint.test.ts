import { createHash, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { openCheckpoint, parseCheckpointText, signCheckpoint } from './checkpoint.js'
import { cosignedAt } from './cosignature.js'
import { MemoryTree } from './memory-tree.js'
import {
  generateSigner,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  verifierKey,
} from './note-keys.js'
import { EMPTY_ROOT, leafHash } from './rfc6962.js'
import { parseNote } from './signed-note.js'
import { createWitness, memoryWitnessState } from './witness.js'

const ORIGIN = 'airlock.example/audit'

describe('checkpoints as C2SP signed notes', () => {
  it('writes the three checkpoint lines and an Ed25519 signature line a third party can check by hand', () => {
    const { signer, skey } = generateSigner(ORIGIN)
    const root = createHash('sha256').update('x').digest()
    const note = signCheckpoint({ origin: ORIGIN, size: 42, root, extensions: [] }, [signer])
    const [text, sigs] = note.split('\n\n') as [string, string]
    expect(text.split('\n')).toEqual([ORIGIN, '42', root.toString('base64')])
    // "— <name> base64(key id || signature)", key id = SHA-256(name || \n || 0x01 || key)[:4].
    const line = /^\u2014 (\S+) (\S+)\n$/u.exec(sigs)!
    expect(line[1]).toBe(ORIGIN)
    const raw = Buffer.from(line[2]!, 'base64')
    const vkey = verifierKey(signer)
    const pub = Buffer.from(vkey.slice(vkey.indexOf('+', ORIGIN.length + 1) + 1), 'base64')
    expect(pub[0]).toBe(1)
    const id = createHash('sha256').update(`${ORIGIN}\n`).update(pub).digest().subarray(0, 4)
    expect(raw.subarray(0, 4)).toEqual(id)
    expect(verify(null, Buffer.from(`${text}\n`), parseVerifierKey(vkey).key, raw.subarray(4))).toBe(true)
    // The private key text round-trips.
    expect(verifierKey(parseSignerKey(skey))).toBe(vkey)
  })

  it('opens only checkpoints signed by the log key, for the expected origin, with well-formed lines', () => {
    const { signer } = generateSigner(ORIGIN)
    const other = generateSigner(ORIGIN).signer
    const log = parseVerifierKey(verifierKey(signer))
    const note = signCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT, extensions: [] }, [signer])
    expect(openCheckpoint(note, log, ORIGIN).size).toBe(0)
    const forged = signCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT, extensions: [] }, [other])
    expect(() => openCheckpoint(forged, log)).toThrow(/no valid signature/)
    expect(() => openCheckpoint(note.replace('\n0\n', '\n1\n'), log)).toThrow(/no valid signature/)
    expect(() => openCheckpoint(note, log, 'another/log')).toThrow(/origin/)
    expect(() => parseCheckpointText(`${ORIGIN}\n007\n${EMPTY_ROOT.toString()}\n`)).toThrow(/line 2/)
    expect(() => parseCheckpointText(`${ORIGIN}\n7\nAAAA\n`)).toThrow(/line 3/)
    expect(() => parseVerifierKey(`${verifierKey(signer).replace(/\+[0-9a-f]{8}\+/, '+00000000+')}`)).toThrow(
      /does not match/,
    )
  })

  it('carries extension lines inside the signed text', () => {
    const { signer } = generateSigner(ORIGIN)
    const note = signCheckpoint(
      { origin: ORIGIN, size: 1, root: leafHash(new Uint8Array()), extensions: ['ts 2026'] },
      [signer],
    )
    const opened = openCheckpoint(note, parseVerifierKey(verifierKey(signer)))
    expect(opened.extensions).toEqual(['ts 2026'])
  })
})

describe('witness', () => {
  async function setup() {
    const log = generateSigner(ORIGIN).signer
    const witnessKey = generateSigner('witness.example/w1', SIG_COSIGNATURE_V1).signer
    const tree = new MemoryTree()
    const state = memoryWitnessState()
    const witness = createWitness({
      signer: witnessKey,
      logs: new Map([[ORIGIN, parseVerifierKey(verifierKey(log))]]),
      state,
      now: () => new Date('2026-12-04T12:00:00Z'),
    })
    const checkpoint = async (t: MemoryTree) =>
      signCheckpoint({ origin: ORIGIN, size: t.size, root: await t.root(), extensions: [] }, [log])
    return { log, witnessKey, tree, witness, checkpoint }
  }
  const leaves = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(from + i)))

  it('cosigns a log that only grows, with a cosignature/v1 a client can verify', async () => {
    const { witnessKey, tree, witness, checkpoint } = await setup()
    tree.append(leaves(0, 5))
    const first = await witness.observe(await checkpoint(tree), [])
    expect(first.kind).toBe('cosigned')
    tree.append(leaves(5, 6))
    const second = await witness.observe(await checkpoint(tree), await tree.consistency(5))
    expect(second.kind).toBe('cosigned')
    const cosigned = parseNote((second as { note: string }).note)
    expect(cosignedAt(cosigned, parseVerifierKey(verifierKey(witnessKey)))).toBe(
      Date.parse('2026-12-04T12:00:00Z') / 1000,
    )
    // The same checkpoint again is still consistent.
    expect((await witness.observe(await checkpoint(tree), [])).kind).toBe('cosigned')
  })

  it('refuses a forked, rewritten, truncated or unsigned history', async () => {
    const { log, tree, witness, checkpoint } = await setup()
    tree.append(leaves(0, 8))
    expect((await witness.observe(await checkpoint(tree), [])).kind).toBe('cosigned')

    const fork = new MemoryTree()
    fork.append([...leaves(0, 3), leafHash(Uint8Array.of(99)), ...leaves(4, 4)])
    const sameSize = await witness.observe(await checkpoint(fork), [])
    expect(sameSize).toMatchObject({ kind: 'refused', known_size: 8 })
    expect((sameSize as { reason: string }).reason).toMatch(/two histories/)

    fork.append(leaves(8, 4))
    const rewritten = await witness.observe(await checkpoint(fork), await fork.consistency(8))
    expect((rewritten as { reason: string }).reason).toMatch(/rewrote/)

    const short = new MemoryTree()
    short.append(leaves(0, 6))
    expect((await witness.observe(await checkpoint(short), [])) as { reason: string }).toMatchObject({
      reason: expect.stringMatching(/shrank/),
    })

    const stranger = generateSigner(ORIGIN).signer
    const unsigned = signCheckpoint({ origin: ORIGIN, size: 8, root: await tree.root(), extensions: [] }, [
      stranger,
    ])
    expect((await witness.observe(unsigned, [])).kind).toBe('refused')
    void log
  })
})
