import { describe, expect, it } from 'vitest'
import { lengthPrefixed, outcomeSealContext, storedIdempotencyKey } from './key-scope.js'

describe('idempotency key contexts', () => {
  it('never makes two different contexts equal, whatever `:` the parts hold', () => {
    // With `${tenant}:${action}:${key}` these pairs were one and the same text.
    expect(outcomeSealContext('a:b', 'act', 'k')).not.toBe(outcomeSealContext('a', 'b:act', 'k'))
    expect(outcomeSealContext('t', 'act', 'x:y')).not.toBe(outcomeSealContext('t', 'act:x', 'y'))
    expect(lengthPrefixed(['ab', 'c'])).not.toBe(lengthPrefixed(['a', 'bc']))
    expect(lengthPrefixed(['1:a'])).not.toBe(lengthPrefixed(['1', 'a']))
  })

  it("puts a key in its actor's namespace by default, and leaves it alone tenant-wide", () => {
    expect(storedIdempotencyKey('actor', 'agent-1', 'call_1')).not.toBe(
      storedIdempotencyKey('actor', 'agent-2', 'call_1'),
    )
    expect(storedIdempotencyKey('actor', 'a:b', 'c')).not.toBe(storedIdempotencyKey('actor', 'a', 'b:c'))
    expect(storedIdempotencyKey('tenant', 'agent-1', 'call_1')).toBe('call_1')
  })
})
