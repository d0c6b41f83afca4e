import { describe, expect, it } from 'vitest'
import { apiKeyAuth } from './api-key-auth.js'
import {
  apiKeyWeakness,
  apparentEntropyBits,
  isWellKnownWeakKeyHash,
  MIN_API_KEY_BITS,
} from './api-key-strength.js'
import { generateApiKey, hashApiKey } from './generate-api-key.js'

describe('API key strength', () => {
  it('accepts every generated key', () => {
    for (let i = 0; i < 200; i++) expect(apiKeyWeakness(generateApiKey())).toBeNull()
  })

  it.each([
    ['a common password', 'password123'],
    ['a passphrase of words', 'correct horse battery staple'],
    ['one character repeated', 'a'.repeat(64)],
    ['a repeated pattern', 'abab'.repeat(16)],
    ['the alphabet and digits', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a short random key', 'k7Qz9xW2'],
  ])('refuses %s without quoting it', (_what, key) => {
    const weakness = apiKeyWeakness(key)
    expect(weakness).toMatch(
      /looks guessable \(about \d+ bits of apparent entropy, at least 128 are needed\)/,
    )
    expect(weakness).not.toContain(key)
  })

  it('counts repeats and runs for nothing', () => {
    expect(apparentEntropyBits('')).toBe(0)
    expect(apparentEntropyBits('aaaaaaaa')).toBe(0)
    expect(apparentEntropyBits('abcdefgh')).toBeLessThan(apparentEntropyBits('ahbgcfde'))
    expect(apparentEntropyBits('x'.repeat(10) + generateApiKey())).toBeGreaterThanOrEqual(MIN_API_KEY_BITS)
  })

  it('recognises the configured hash of a placeholder key', () => {
    expect(isWellKnownWeakKeyHash(hashApiKey('changeme'))).toBe(true)
    expect(isWellKnownWeakKeyHash(hashApiKey('changeme').toUpperCase())).toBe(true)
    expect(isWellKnownWeakKeyHash(hashApiKey(generateApiKey()))).toBe(false)
  })

  it('apiKeyAuth refuses a placeholder key hash, naming the entry', () => {
    const keys = [
      { id: 'ok', sha256: hashApiKey(generateApiKey()), actor_id: 'a' },
      { id: 'weak', sha256: hashApiKey('secret'), actor_id: 'b' },
    ]
    expect(() => apiKeyAuth({ keys })).toThrow(
      /apiKeyAuth: keys\[1\]\.sha256: this is the SHA-256 of a well-known weak key/,
    )
  })
})
