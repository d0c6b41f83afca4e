import { describe, expect, it } from 'vitest'
import { signSlackRequest, verifySlackRequest } from './slack-signature.js'

const SECRET = 'slack-signing-secret'
const NOW = 1_800_000_000
const BODY = 'payload=%7B%22type%22%3A%22block_actions%22%7D'

function verifyAt(offset_s: number, options: { tolerance_s?: number } = {}): boolean {
  const timestamp = String(NOW + offset_s)
  return verifySlackRequest(SECRET, timestamp, signSlackRequest(SECRET, timestamp, BODY), BODY, {
    now_s: NOW,
    ...options,
  })
}

describe('verifySlackRequest', () => {
  it.each([0, -1, -299, -300, 1, 299, 300])('accepts a signed request %i s from now', (offset) => {
    expect(verifyAt(offset)).toBe(true)
  })

  it.each([-301, -450, -599, -600, -86_400])('refuses a replayed request %i s old', (offset) => {
    expect(verifyAt(offset)).toBe(false)
  })

  it.each([301, 450, 599, 86_400])('refuses a request stamped %i s in the future', (offset) => {
    expect(verifyAt(offset)).toBe(false)
  })

  it('uses the configured tolerance', () => {
    expect(verifyAt(-100, { tolerance_s: 60 })).toBe(false)
    expect(verifyAt(-59, { tolerance_s: 60 })).toBe(true)
  })

  it('refuses another body, another secret, a missing header and a malformed timestamp', () => {
    const ts = String(NOW)
    const signature = signSlackRequest(SECRET, ts, BODY)
    expect(verifySlackRequest(SECRET, ts, signature, `${BODY}&x=1`, { now_s: NOW })).toBe(false)
    expect(verifySlackRequest('other', ts, signature, BODY, { now_s: NOW })).toBe(false)
    expect(verifySlackRequest(SECRET, undefined, signature, BODY, { now_s: NOW })).toBe(false)
    expect(verifySlackRequest(SECRET, ts, undefined, BODY, { now_s: NOW })).toBe(false)
    expect(verifySlackRequest(SECRET, `${ts}.5`, signature, BODY, { now_s: NOW })).toBe(false)
  })
})
