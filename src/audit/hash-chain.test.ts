import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { chainHash, GENESIS_HASH, linkHash } from './hash-chain.js'

describe('chainHash', () => {
  it('is sha256 over prev_hash followed by the canonical body, as published', () => {
    const body = { b: 'ünï 😀', a: [1, 2.5, null], seq: 1 }
    const text = '{"a":[1,2.5,null],"b":"ünï 😀","seq":1}'
    const expected = createHash('sha256').update(GENESIS_HASH).update(text, 'utf8').digest('hex')
    expect(chainHash(GENESIS_HASH, body)).toBe(expected)
    expect(linkHash(GENESIS_HASH, text)).toBe(expected)
    // Pinned: a stored chain must keep verifying whatever computes the hash.
    expect(expected).toBe('b13e9b5301241cef3086cd83531a75b5b2991a5b181f9fd100231e0ef2ae8110')
  })
})
