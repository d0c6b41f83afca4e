import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { AirlockError } from '../errors/airlock-error.js'
import { createSealer, generateSealKey, type SealerConfig } from './seal.js'

const keyA = generateSealKey()
const keyB = generateSealKey()
const inputs = { amount: 120.5, card_number: '4242424242424242', note: 'héllo', tags: ['x'] }

function errorCode(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return AirlockError.isInstance(error) ? error.code : `not an AirlockError: ${String(error)}`
  }
  return 'did not throw'
}

// Flips one bit of the base64url segment `index` of an envelope.
function flip(sealed: string, index: number): string {
  const parts = sealed.split('.')
  const bytes = Buffer.from(parts[index]!, 'base64url')
  bytes[0] = bytes[0]! ^ 1
  parts[index] = bytes.toString('base64url')
  return parts.join('.')
}

describe('createSealer', () => {
  it('round-trips a value for the same approval id', () => {
    const sealer = createSealer({ keys: { k1: keyA }, current: 'k1' })
    const sealed = sealer.seal(inputs, 'apr-1')
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(sealed).not.toContain('4242')
    expect(sealer.open(sealed, 'apr-1')).toEqual(inputs)
  })

  it('uses a fresh IV for every envelope', () => {
    const sealer = createSealer({ keys: { k1: keyA }, current: 'k1' })
    expect(sealer.seal(inputs, 'apr-1')).not.toBe(sealer.seal(inputs, 'apr-1'))
  })

  it('refuses to open an envelope under another approval id', () => {
    const sealer = createSealer({ keys: { k1: keyA }, current: 'k1' })
    const sealed = sealer.seal(inputs, 'apr-1')
    expect(errorCode(() => sealer.open(sealed, 'apr-2'))).toBe('SEAL_INVALID')
  })

  it('refuses tampered ciphertext, tag or IV', () => {
    const sealer = createSealer({ keys: { k1: keyA }, current: 'k1' })
    const sealed = sealer.seal(inputs, 'apr-1')
    expect(errorCode(() => sealer.open(flip(sealed, 3), 'apr-1'))).toBe('SEAL_INVALID')
    expect(errorCode(() => sealer.open(flip(sealed, 2), 'apr-1'))).toBe('SEAL_INVALID')
    const body = Buffer.from(sealed.split('.')[3]!, 'base64url')
    body[body.length - 1] = body[body.length - 1]! ^ 0x80
    const badTag = [...sealed.split('.').slice(0, 3), body.toString('base64url')].join('.')
    expect(errorCode(() => sealer.open(badTag, 'apr-1'))).toBe('SEAL_INVALID')
  })

  it('refuses malformed envelopes', () => {
    const sealer = createSealer({ keys: { k1: keyA }, current: 'k1' })
    const sealed = sealer.seal(inputs, 'apr-1')
    for (const bad of [
      '',
      'v1',
      'v2.k1.a.b',
      `${sealed}.x`,
      sealed.replace('v1.', 'v0.'),
      'v1.k1.@@.##',
      'v1.k1.AAAA.AAAA',
    ]) {
      expect(errorCode(() => sealer.open(bad, 'apr-1'))).toBe('SEAL_INVALID')
    }
  })

  it('refuses an envelope sealed with a key it does not hold', () => {
    const mine = createSealer({ keys: { k1: keyA }, current: 'k1' })
    const theirs = createSealer({ keys: { k1: keyB }, current: 'k1' })
    expect(errorCode(() => mine.open(theirs.seal(inputs, 'apr-1'), 'apr-1'))).toBe('SEAL_INVALID')
    const other = createSealer({ keys: { k9: keyB }, current: 'k9' })
    expect(errorCode(() => mine.open(other.seal(inputs, 'apr-1'), 'apr-1'))).toBe('SEAL_INVALID')
  })

  it('cannot be fooled by relabelling the key id', () => {
    const sealer = createSealer({ keys: { k1: keyA, k2: keyA }, current: 'k1' })
    const relabelled = sealer.seal(inputs, 'apr-1').replace('v1.k1.', 'v1.k2.')
    expect(errorCode(() => sealer.open(relabelled, 'apr-1'))).toBe('SEAL_INVALID')
  })

  it('opens envelopes sealed with a retired key after rotation', () => {
    const before = createSealer({ keys: { k1: keyA }, current: 'k1' })
    const old = before.seal(inputs, 'apr-1')
    const after = createSealer({ keys: { k1: keyA, k2: keyB }, current: 'k2' })
    expect(after.open(old, 'apr-1')).toEqual(inputs)
    expect(after.needsRotation(old)).toBe(true)
    const fresh = after.seal(inputs, 'apr-1')
    expect(fresh.startsWith('v1.k2.')).toBe(true)
    expect(after.needsRotation(fresh)).toBe(false)
  })

  it('accepts keys as base64, base64url, hex and bytes', () => {
    const raw = Buffer.from(keyA, 'base64')
    const forms: SealerConfig['keys'][] = [
      { k: raw.toString('base64') },
      { k: raw.toString('base64url') },
      { k: raw.toString('hex') },
      { k: new Uint8Array(raw) },
    ]
    const reference = createSealer({ keys: { k: raw }, current: 'k' }).seal(inputs, 'apr-1')
    for (const keys of forms)
      expect(createSealer({ keys, current: 'k' }).open(reference, 'apr-1')).toEqual(inputs)
  })

  it('rejects bad key configuration with CONFIG_INVALID and never echoes the key', () => {
    const short = Buffer.alloc(16, 7).toString('base64')
    expect(errorCode(() => createSealer({ keys: { k: short }, current: 'k' }))).toBe('CONFIG_INVALID')
    expect(errorCode(() => createSealer({ keys: { k: 'not a key!' }, current: 'k' }))).toBe('CONFIG_INVALID')
    expect(errorCode(() => createSealer({ keys: { k: keyA }, current: 'missing' }))).toBe('CONFIG_INVALID')
    expect(errorCode(() => createSealer({ keys: { 'a.b': keyA }, current: 'a.b' }))).toBe('CONFIG_INVALID')
    try {
      createSealer({ keys: { k: short }, current: 'k' })
    } catch (error) {
      expect((error as Error).message).not.toContain(short)
    }
  })

  it('rejects values that are not JSON with INPUT_INVALID', () => {
    const sealer = createSealer({ keys: { k1: keyA }, current: 'k1' })
    expect(errorCode(() => sealer.seal(10n, 'apr-1'))).toBe('INPUT_INVALID')
    expect(errorCode(() => sealer.seal(undefined, 'apr-1'))).toBe('INPUT_INVALID')
  })

  it('generates distinct 32-byte keys', () => {
    expect(Buffer.from(generateSealKey(), 'base64')).toHaveLength(32)
    expect(generateSealKey()).not.toBe(generateSealKey())
  })
})
