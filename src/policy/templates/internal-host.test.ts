import { describe, expect, it } from 'vitest'
import { internalHostReason, parseIPv4, parseIPv6 } from './internal-host.js'

describe('internalHostReason', () => {
  it.each([
    ['127.0.0.1', 'loopback address'],
    ['127.1', 'loopback address'],
    ['2130706433', 'loopback address'],
    ['0x7f000001', 'loopback address'],
    ['0177.0.0.1', 'loopback address'],
    ['0.0.0.0', 'unspecified address'],
    ['10.255.0.1', 'private address'],
    ['172.31.255.255', 'private address'],
    ['192.168.10.1', 'private address'],
    ['169.254.169.254', 'link-local (cloud metadata) address'],
    ['[::1]', 'loopback address'],
    ['[0:0:0:0:0:0:0:1]', 'loopback address'],
    ['[::]', 'unspecified address'],
    ['[::ffff:127.0.0.1]', 'loopback address'],
    ['[::ffff:7f00:1]', 'loopback address'],
    ['[64:ff9b::a9fe:a9fe]', 'link-local (cloud metadata) address'],
    ['[fc00::1]', 'unique local address'],
    ['[fe80::1]', 'link-local address'],
    ['LOCALHOST', 'loopback name'],
    ['localhost.', 'loopback name'],
    ['metadata.google.internal', 'cloud metadata name'],
    ['db.corp.internal', 'internal domain'],
    ['printer.local', 'internal domain'],
    ['intranet', 'single-label (internal) name'],
    ['10.0.0.1.nip.io', 'name embedding an internal address'],
    ['app-192-168-1-1.sslip.io', null],
    ['192-168-1-1.sslip.io', 'name embedding an internal address'],
  ])('classifies %s', (host, expected) => {
    expect(internalHostReason(host)).toBe(expected)
  })

  it.each(['example.com', '8.8.8.8', '172.32.0.1', '[2606:4700::1111]', '11.0.0.1', 'localhost.example.com'])(
    'treats %s as public',
    (host) => {
      expect(internalHostReason(host)).toBeNull()
    },
  )
})

describe('address parsing', () => {
  it('rejects out-of-range IPv4 forms', () => {
    expect(parseIPv4('256.0.0.1')).toBeNull()
    expect(parseIPv4('1.2.3.4.5')).toBeNull()
    expect(parseIPv4('4294967296')).toBeNull()
    expect(parseIPv4('1.2.65536')).toBeNull()
  })

  it('expands IPv6 shorthand', () => {
    expect(parseIPv6('fe80::1')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1])
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeNull()
    expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1])
  })
})
