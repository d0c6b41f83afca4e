import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CompactTree } from './compact-range.js'
import { MemoryTree } from './memory-tree.js'
import { leafHash, leafHashOfHex, nodeHash, toHex } from './rfc6962.js'
import { verifyConsistency, verifyInclusion } from './verify-proofs.js'

// An independent RFC 6962 (§2.1) implementation, written from the RFC's
// recursive definitions over whole leaf lists and sharing no code with the
// stored-node implementation under test.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
const refLeaf = (d: Uint8Array) => sha(Uint8Array.of(0), d)
const refNode = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r)
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1)
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha()
  if (d.length === 1) return refLeaf(d[0]!)
  return refNode(mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))))
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return []
  const s = k(d.length)
  return m < s
    ? [...path(m, d.slice(0, s)), mth(d.slice(s))]
    : [...path(m - s, d.slice(s)), mth(d.slice(0, s))]
}
function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)]
  const s = k(d.length)
  return m <= s
    ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))]
}
const proof = (m: number, d: Uint8Array[]) => (m === 0 ? [] : subproof(m, d, true))

const hex = (items: readonly Uint8Array[]) => items.map(toHex)
const unhex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))

function treeOf(data: Uint8Array[]): MemoryTree {
  const tree = new MemoryTree()
  tree.append(data.map(refLeaf))
  return tree
}

// The Certificate Transparency test leaves and roots for sizes 1..8.
const CT_DATA = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex)
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

const leavesArb = fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 70 })

describe('the Merkle tree over stored nodes', () => {
  it('gives the published Certificate Transparency roots and inclusion proofs', async () => {
    const tree = treeOf(CT_DATA)
    expect(toHex(await tree.root(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    for (let n = 1; n <= 8; n++) expect(toHex(await tree.root(n))).toBe(CT_ROOTS[n - 1])
    expect(hex(await tree.inclusion(0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ])
    expect(hex(await tree.inclusion(5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ])
  })

  it('agrees with the RFC definitions for every root, inclusion and consistency proof of every size up to 24', async () => {
    const data = Array.from({ length: 24 }, (_, i) => Uint8Array.of(i, i >> 3))
    const tree = treeOf(data)
    for (let n = 1; n <= data.length; n++) {
      const prefix = data.slice(0, n)
      const root = await tree.root(n)
      expect(toHex(root)).toBe(toHex(mth(prefix)))
      for (let m = 0; m < n; m++) {
        const p = await tree.inclusion(m, n)
        expect(hex(p)).toEqual(hex(path(m, prefix)))
        expect(verifyInclusion(m, n, refLeaf(data[m]!), p, root)).toBe(true)
      }
      for (let m = 0; m <= n; m++) {
        const c = await tree.consistency(m, n)
        expect(hex(c)).toEqual(hex(proof(m, prefix)))
        expect(verifyConsistency(m, n, mth(data.slice(0, m)), root, c)).toBe(true)
      }
    }
  })

  it('rebuilds every root from the frontier alone, as offline verifiers of shipped files do', () => {
    const tree = new CompactTree()
    expect(toHex(tree.root())).toBe(toHex(mth([])))
    const data = Array.from({ length: 40 }, (_, i) => Uint8Array.of(i, 7))
    for (let n = 1; n <= data.length; n++) {
      tree.append(refLeaf(data[n - 1]!))
      expect(tree.size).toBe(n)
      expect(toHex(tree.root())).toBe(toHex(mth(data.slice(0, n))))
    }
  })

  it('grows the same whether leaves arrive one by one or in batches of any size', async () => {
    await fc.assert(
      fc.asyncProperty(
        leavesArb,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        async (data, cuts) => {
          const tree = new MemoryTree()
          let at = 0
          for (let i = 0; at < data.length; i++) {
            const take = cuts[i % cuts.length]!
            tree.append(data.slice(at, at + take).map(refLeaf))
            at += take
          }
          expect(toHex(await tree.root())).toBe(toHex(mth(data)))
        },
      ),
    )
  })

  it('rejects an inclusion proof for a modified leaf, a wrong index or a tampered path', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb, fc.nat(), fc.nat(), async (raw, pick, flip) => {
        // Distinct leaves, so that another index really is another leaf.
        const data = raw.map((d, i) => Uint8Array.from([i, ...d]))
        const n = data.length
        const m = pick % n
        const tree = treeOf(data)
        const root = await tree.root()
        const p = await tree.inclusion(m, n)
        const forged = Uint8Array.from([...data[m]!, 1])
        expect(verifyInclusion(m, n, refLeaf(forged), p, root)).toBe(false)
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, refLeaf(data[m]!), p, root)).toBe(false)
        if (p.length > 0) {
          const bad = p.map((x) => Uint8Array.from(x))
          const i = flip % bad.length
          bad[i]![flip % 32]! ^= 1
          expect(verifyInclusion(m, n, refLeaf(data[m]!), bad, root)).toBe(false)
          expect(verifyInclusion(m, n, refLeaf(data[m]!), p.slice(0, -1), root)).toBe(false)
        }
      }),
    )
  })

  it('detects, from an earlier root, any rewrite or truncation of the history it covers', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb, fc.nat(), fc.nat(), fc.nat(), async (data, a, b, c) => {
        const n = data.length
        const m = 1 + (a % n) // an earlier checkpoint of m ≥ 1 leaves
        const honest = treeOf(data)
        const oldRoot = await honest.root(m)
        // A rewritten leaf inside the old checkpoint's range.
        const edited = data.map((d) => Uint8Array.from(d))
        const at = b % m
        edited[at] = Uint8Array.from([...edited[at]!, c & 0xff])
        const forged = treeOf(edited)
        expect(verifyConsistency(m, n, oldRoot, await forged.root(), await forged.consistency(m, n))).toBe(
          false,
        )
        // Truncated below the old size: no proof can show it grew from m.
        if (m > 1) {
          const cut = c % m
          const short = treeOf(data.slice(0, cut))
          expect(
            verifyConsistency(m, cut, oldRoot, await short.root(), await short.consistency(cut, cut)),
          ).toBe(false)
        }
        // The honest log proves itself.
        expect(verifyConsistency(m, n, oldRoot, await honest.root(), await honest.consistency(m, n))).toBe(
          true,
        )
      }),
    )
  })

  it('refuses proofs for leaves or sizes outside the tree', async () => {
    const tree = treeOf(CT_DATA)
    await expect(tree.inclusion(8, 8)).rejects.toThrow(/not in a tree of 8/)
    await expect(tree.consistency(5, 3)).rejects.toThrow(/cannot grow/)
    expect(verifyInclusion(3, 3, refLeaf(CT_DATA[0]!), [], await tree.root(3))).toBe(false)
    expect(verifyConsistency(4, 3, await tree.root(4), await tree.root(3), [])).toBe(false)
  })

  it('hashes leaves and nodes as the RFC defines, for any length and for hex of any shape', () => {
    const bytes = fc.uint8Array({ maxLength: 70 })
    fc.assert(
      fc.property(bytes, bytes, bytes, (a, b, c) => {
        expect(toHex(leafHash(a))).toBe(toHex(refLeaf(a)))
        expect(toHex(nodeHash(a, b))).toBe(toHex(refNode(a, b)))
        // Interleaved calls must not see each other's input.
        const [first, second] = [nodeHash(b, c), leafHash(c)]
        expect(toHex(first)).toBe(toHex(refNode(b, c)))
        expect(toHex(second)).toBe(toHex(refLeaf(c)))
      }),
    )
    const hexes = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((x) => Buffer.from(x).toString('hex')),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxz'), maxLength: 70 }),
    )
    fc.assert(
      fc.property(hexes, (h) => {
        expect(toHex(leafHashOfHex(h))).toBe(toHex(refLeaf(Buffer.from(h, 'hex'))))
      }),
    )
  })
})
