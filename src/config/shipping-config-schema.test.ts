import { describe, expect, it } from 'vitest'
import { resolveShipping, shippingSchema } from './shipping-config-schema.js'
import { transparencySchema } from './transparency-config-schema.js'

describe('shipping config section', () => {
  it('applies defaults, converts sizes and durations, and resolves paths against the config folder', () => {
    const parsed = shippingSchema.parse({
      shippers: [
        { name: 'archive', type: 'files', dir: './audit', max_bytes: '1mb', max_age: '30m' },
        { name: 'siem', type: 'syslog', host: 'siem.internal', port: 6514, tls: { ca_file: 'ca.pem' } },
        { name: 'lake', type: 's3', bucket: 'audit' },
        { name: 'soc', type: 'webhook', url: 'https://soc.example.com/hook', secret: 's' },
      ],
    })
    const resolved = resolveShipping(parsed, '/etc/airlock')!
    expect(resolved).toMatchObject({ batch_size: 500, poll_interval_ms: 1_000, max_backoff_ms: 60_000 })
    expect(resolved.shippers[0]).toMatchObject({
      dir: '/etc/airlock/audit',
      max_bytes: 1024 * 1024,
      max_age: 1_800_000,
    })
    expect(resolved.shippers[1]).toMatchObject({ tls: { ca_file: '/etc/airlock/ca.pem' } })
    expect(resolveShipping(undefined, '/etc/airlock')).toBeNull()
  })

  it('rejects duplicate names, unknown types, half-given S3 keys and non-http webhooks, naming the path', () => {
    const issues = (value: unknown) =>
      shippingSchema.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []
    expect(
      issues({
        shippers: [
          { name: 'a', type: 'files', dir: 'x' },
          { name: 'a', type: 'files', dir: 'y' },
        ],
      }),
    ).toEqual(["shippers.1.name: duplicate shipper name 'a'"])
    expect(
      issues({
        shippers: [
          { name: 'a', type: 'files', dir: './out' },
          { name: 'b', type: 'files', dir: 'out/' },
          { name: 'c', type: 'files', dir: 'out', prefix: 'other' },
        ],
      }),
    ).toEqual([
      "shippers.1.dir: shipper 'b' writes the same files as 'a' (same dir and prefix); give each its own dir or prefix",
    ])
    expect(
      issues({
        shippers: [
          { name: 'a', type: 'webhook', url: 'https://user:pw@soc.example.com/hook', secret: 's' },
          { name: 'b', type: 'webhook', url: 'http://169.254.169.254/latest', secret: 's' },
          { name: 'c', type: 'webhook', url: 'http://[::1]:8080/hook', secret: 's' },
          { name: 'd', type: 'webhook', url: 'http://10.0.0.5/hook', secret: 's', allow_private: true },
          { name: 'e', type: 'webhook', url: 'https://soc.internal/hook', secret: 's' },
        ],
      }),
    ).toEqual([
      'shippers.0.url: a webhook URL may not carry a user name or password; the receiver checks the signature instead',
      'shippers.1.url: 169.254.169.254 is a private, loopback or link-local address; set allow_private: true to send there',
      'shippers.2.url: ::1 is a private, loopback or link-local address; set allow_private: true to send there',
    ])
    expect(issues({ shippers: [{ name: 'a', type: 'kafka' }] })[0]).toMatch(/^shippers\.0/)
    expect(issues({ shippers: [{ name: 'a', type: 's3', bucket: 'b', access_key_id: 'k' }] })).toEqual([
      'shippers.0: expected both access_key_id and secret_access_key, or neither',
    ])
    expect(issues({ shippers: [{ name: 'a', type: 'webhook', url: 'ftp://x', secret: 's' }] })[0]).toMatch(
      /^shippers\.0\.url: expected an http or https URL/,
    )
  })
})

describe('timeouts of outbound calls', () => {
  it('refuses a zero timeout, or one too long for a timer, either of which fails every S3 upload or witness request at once', () => {
    const message = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
      result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    expect(
      message(
        shippingSchema.safeParse({ shippers: [{ name: 'lake', type: 's3', bucket: 'b', timeout: '0s' }] }),
      ),
    ).toEqual(['shippers.0.timeout: expected a duration above zero and at most 24d, e.g. 10s or 2m'])
    // Past about 24.8 days a Node timer fires at once: as bad as zero.
    expect(
      message(
        shippingSchema.safeParse({ shippers: [{ name: 'lake', type: 's3', bucket: 'b', timeout: '30d' }] }),
      ),
    ).toEqual(['shippers.0.timeout: expected a duration above zero and at most 24d, e.g. 10s or 2m'])
    const witnesses = { list: [{ url: 'https://w.example', key: 'w+00000000+AAAA' }], timeout: '0s' }
    expect(message(transparencySchema.safeParse({ witnesses }))).toContain(
      'witnesses.timeout: expected a duration above zero and at most 24d, e.g. 10s or 2m',
    )
  })
})
