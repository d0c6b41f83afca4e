import { describe, expect, it } from 'vitest'
import { clientAddress } from './client-address.js'

const env = { incoming: { socket: { remoteAddress: '10.0.0.2' } } }
const forwarded = new Request('http://localhost/', {
  headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.1' },
})

describe('clientAddress', () => {
  it('uses the socket peer and ignores X-Forwarded-For by default', () => {
    expect(clientAddress(forwarded, env, false)).toBe('10.0.0.2')
  })

  it('takes the left-most entry when every proxy is trusted', () => {
    expect(clientAddress(forwarded, env, true)).toBe('6.6.6.6')
  })

  it('takes the address the first of n trusted proxies saw, ignoring what the client claimed', () => {
    expect(clientAddress(forwarded, env, 1)).toBe('10.0.0.1')
    expect(clientAddress(forwarded, env, 2)).toBe('203.0.113.7')
    expect(clientAddress(forwarded, env, 9)).toBe('6.6.6.6')
  })

  it('is null where the runtime exposes no socket', () => {
    expect(clientAddress(new Request('http://localhost/'), undefined, false)).toBeNull()
  })
})
