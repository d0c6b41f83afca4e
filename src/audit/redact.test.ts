import { describe, expect, it } from 'vitest'
import { AirlockError } from '../errors/airlock-error.js'
import { canonicalJson } from './canonical-json.js'
import { CIRCULAR_MARKER, createRedactor, DEFAULT_MASK, keyWords, TRUNCATED_MARKER } from './redact.js'

const M = DEFAULT_MASK
const redactor = createRedactor()
const redact = (value: unknown) => redactor.redact(value)

describe('keyWords', () => {
  it('splits camelCase, acronyms, digits and separators into lower-case words', () => {
    expect(keyWords('apiKey')).toEqual(['api', 'key'])
    expect(keyWords('APIKey')).toEqual(['api', 'key'])
    expect(keyWords('X-Auth-Token')).toEqual(['x', 'auth', 'token'])
    expect(keyWords('db.password')).toEqual(['db', 'password'])
    expect(keyWords('user password')).toEqual(['user', 'password'])
    expect(keyWords('token2')).toEqual(['token', '2'])
    expect(keyWords('__proto__')).toEqual(['proto'])
  })
})

describe('redaction by key', () => {
  const reference = [
    'password',
    'passwd',
    'secret',
    'token',
    'api_key',
    'apikey',
    'access_token',
    'refresh_token',
    'id_token',
    'authorization',
    'x-api-key',
    'x-auth-token',
    'x-authorization',
    'client_secret',
    'private_key',
    'credential',
    'credentials',
    'ssn',
    'credit_card',
    'card_number',
    'cvv',
  ]

  it.each(reference)('redacts the reference key %s in any case', (key) => {
    expect(redact({ [key]: 'v', [key.toUpperCase()]: 'v' })).toEqual({ [key]: M, [key.toUpperCase()]: M })
  })

  it.each([
    'user_password',
    'api-key',
    'stripe_api_key',
    'apiKey',
    'X-Auth-Token',
    'db_password',
    'auth_token',
    'session_token',
    'secret_key',
    'userPassword',
    'userpassword',
    'stripeapikey',
    'clientSecret',
    'AWS_SECRET_ACCESS_KEY',
    'Cookie',
    'set-cookie',
    'session',
    'sessionId',
    'otp',
    'pin',
    'pin_code',
    'iban',
    'cvc',
    'passphrase',
    'privateKey',
    'jwt',
    'webhook_secret',
    'secrets',
    'Proxy-Authorization',
    'tokens',
  ])('redacts the sensitive key %s', (key) => {
    expect(redactor.isSensitiveKey(key)).toBe(true)
    expect(redact({ [key]: 'value' })).toEqual({ [key]: M })
  })

  it.each([
    'author',
    'authority',
    'authored_by',
    'secretary',
    'shipping',
    'spinner',
    'opinion',
    'keyboard',
    'idempotency_key',
    'token_count',
    'max_tokens',
    'input_tokens',
    'output_tokens',
    'tokenCount',
    'secret_name',
    'session_duration',
    'description',
    'name',
    'private',
    'public_key',
  ])('keeps the ordinary key %s', (key) => {
    expect(redactor.isSensitiveKey(key)).toBe(false)
    expect(redact({ [key]: 'value' })).toEqual({ [key]: 'value' })
  })

  it('replaces the whole value under a sensitive key, even objects and lists', () => {
    expect(
      redact({ credentials: { user: 'a', pass: 'b' }, tokens: ['x', 'y'], pin: 1234, password: null }),
    ).toEqual({
      credentials: M,
      tokens: M,
      pin: M,
      password: M,
    })
  })

  it('finds sensitive keys at any depth, in arrays and in Maps', () => {
    const input = { a: [{ b: { c: [{ password: 'p' }] } }], m: new Map([['apiKey', 'k']]) }
    expect(redact(input)).toEqual({ a: [{ b: { c: [{ password: M }] } }], m: { apiKey: M } })
  })

  it('still redacts at nesting level 11, where the reference tool leaked', () => {
    let nested: unknown = { password: 'p' }
    for (let i = 0; i < 11; i++) nested = { level: nested }
    expect(JSON.stringify(redact(nested))).not.toContain('"p"')
  })

  it('adds configured keys and exempts allowed ones', () => {
    const custom = createRedactor({ keys: ['tax_id', 'mothersMaidenName'], allow_keys: ['session_id'] })
    expect(
      custom.redact({
        taxId: '1',
        user_tax_id: '2',
        mothers_maiden_name: 'x',
        session_id: 's',
        session: 't',
      }),
    ).toEqual({
      taxId: M,
      user_tax_id: M,
      mothers_maiden_name: M,
      session_id: 's',
      session: M,
    })
  })

  it('uses only the configured keys when the defaults are replaced', () => {
    const custom = createRedactor({ keys: ['ssn'], replace_default_keys: true })
    expect(custom.redact({ ssn: '1', password: 'p' })).toEqual({ ssn: M, password: 'p' })
  })

  it('uses the configured mask', () => {
    expect(createRedactor({ mask: '[hidden]' }).redact({ token: 't' })).toEqual({ token: '[hidden]' })
  })

  it('rejects invalid configuration with CONFIG_INVALID', () => {
    const attempt = (config: object) => {
      try {
        createRedactor(config)
      } catch (error) {
        return AirlockError.isInstance(error) ? error.code : 'other'
      }
      return 'none'
    }
    expect(attempt({ mask: '' })).toBe('CONFIG_INVALID')
    expect(attempt({ keys: 'password' })).toBe('CONFIG_INVALID')
    expect(attempt({ unknown_option: true })).toBe('CONFIG_INVALID')
    expect(attempt({ patterns: ['(unclosed'] })).toBe('CONFIG_INVALID')
    expect(attempt({ patterns: ['(a)\\1'] })).toBe('CONFIG_INVALID')
  })
})

describe('redaction by value', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
  const basic = Buffer.from('alice:s3cret').toString('base64')

  it.each([
    [
      'a bearer token',
      'call with Authorization: Bearer abc123.def456-ghi',
      'call with Authorization: Bearer **REDACTED**',
    ],
    ['basic credentials', `header Basic ${basic} sent`, 'header Basic **REDACTED** sent'],
    ['a JWT in free text', `my token is ${jwt} ok`, 'my token is **REDACTED** ok'],
    ['an AWS access key id', 'key AKIAIOSFODNN7EXAMPLE here', 'key **REDACTED** here'],
    ['a temporary AWS key id', 'ASIAY34FZKBOKMUTVV7A', M],
    ['a Stripe live key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', M],
    ['a Stripe restricted test key', 'use rk_test_51H8abcdefghijk now', 'use **REDACTED** now'],
    ['a GitHub classic token', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', M],
    ['a GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', M],
    ['a Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKl', M],
    [
      'a URL password',
      'postgres://app:hunter2@db.internal:5432/prod',
      `postgres://app:${M}@db.internal:5432/prod`,
    ],
    ['a URL password with no user', 'redis://:pa55@cache:6379', `redis://:${M}@cache:6379`],
    [
      'a password pair',
      'host=db user=app password=hunter2 sslmode=require',
      `host=db user=app password=${M} sslmode=require`,
    ],
    ['a JSON-looking pair', '{"client_secret": "abc"}', `{"client_secret": "${M}"}`],
    [
      'an access token in a query',
      'https://x.test/cb?access_token=abc&state=1',
      `https://x.test/cb?access_token=${M}&state=1`,
    ],
    [
      'a key in a query',
      'https://maps.test/api?key=AIzaSyA&q=paris',
      `https://maps.test/api?key=${M}&q=paris`,
    ],
  ])('masks %s', (_name, input, expected) => {
    expect(redactor.redactString(input)).toBe(expected)
    expect(redact({ note: input })).toEqual({ note: expected })
  })

  it('masks PEM private key blocks, terminated or not', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'
    expect(redactor.redactString(`key:\n${pem}\ndone`)).toBe(`key:\n${M}\ndone`)
    expect(redactor.redactString('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN')).toBe(M)
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
    expect(redactor.redactString(cert)).toBe(cert)
  })

  it.each([
    'Use Bearer authentication for this API',
    'Basic usage is described below',
    'The quick brown fox',
    'see https://example.com/path?q=1&page=2',
    'deploy api-server to prod',
    'the password field is required',
    'sk_live is a prefix',
    'email alice@example.com',
  ])('leaves ordinary text alone: %s', (input) => {
    expect(redactor.redactString(input)).toBe(input)
  })

  it('masks matches of configured patterns, using a linear-time engine', () => {
    const custom = createRedactor({ patterns: ['acct-[0-9]{6}'] })
    expect(custom.redactString('charge acct-123456 now')).toBe(`charge ${M} now`)
  })

  it('stays fast on hostile strings', () => {
    const hostile = [
      'eyJ-'.repeat(50_000),
      'a://'.repeat(50_000),
      `${'-----BEGIN '.repeat(20_000)}x`,
      `Bearer ${' '.repeat(100_000)}`,
      'password='.repeat(20_000),
      `${'x'.repeat(200_000)}:`,
      'AKIA'.repeat(50_000),
      'eyJaaaa.'.repeat(30_000),
      'password '.repeat(30_000),
      `ghp_${'a'.repeat(100_000)}`,
      'a:"'.repeat(50_000),
      '--password '.repeat(30_000),
      'token="'.repeat(30_000),
      'x=a://'.repeat(40_000),
      `${'{"a":'.repeat(50_000)}}`,
      `a://b:${'c@'.repeat(50_000)}`,
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `${'n'.repeat(100)}-`.repeat(2000),
    ]
    const started = performance.now()
    for (const text of hostile) redactor.redactString(text)
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

describe('odd values', () => {
  it('never mutates its input', () => {
    const input = { password: 'p', nested: { note: 'Bearer abcdef123456' } }
    const copy = structuredClone(input)
    redact(input)
    expect(input).toEqual(copy)
  })

  it('replaces cycles with a marker', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    a.list = [a]
    expect(redact(a)).toEqual({ name: 'a', self: CIRCULAR_MARKER, list: [CIRCULAR_MARKER] })
  })

  it('keeps shared (non-cyclic) references', () => {
    const shared = { x: 1 }
    expect(redact({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } })
  })

  it('cuts very deep nesting with a marker instead of leaking or overflowing', () => {
    let deep: unknown = { password: 'leak' }
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const out = redact(deep)
    expect(JSON.stringify(out)).toContain(TRUNCATED_MARKER)
    expect(JSON.stringify(out)).not.toContain('leak')
    expect(JSON.stringify(createRedactor({ max_depth: 3 }).redact({ a: { b: { c: { d: 1 } } } }))).toBe(
      '{"a":{"b":{"c":"[Truncated]"}}}',
    )
  })

  it('turns every value into something canonical JSON can write', () => {
    class Account {
      constructor(
        readonly owner: string,
        readonly apiKey: string,
      ) {}
    }
    const input = {
      when: new Date('2025-01-02T03:04:05.000Z'),
      bad_date: new Date(Number.NaN),
      big: 12345678901234567890n,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      missing: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      [Symbol('hidden')]: 'x',
      set: new Set([1, 'two']),
      map: new Map<unknown, unknown>([[{ k: 1 }, 'object key']]),
      bytes: Buffer.from('secret bytes'),
      typed: new Uint8Array(4),
      account: new Account('ann', 'k-123'),
      url: new URL('https://bob:pw@example.com/x'),
      boxed: new String('boxed'),
      list: [undefined, () => 1, 1],
      err: new Error('failed with Bearer abcdefgh12345'),
    }
    const out = redact(input) as Record<string, unknown>
    expect(() => canonicalJson(out)).not.toThrow()
    expect(out).toMatchObject({
      when: '2025-01-02T03:04:05.000Z',
      bad_date: null,
      big: '12345678901234567890',
      nan: null,
      inf: null,
      set: [1, 'two'],
      map: [[{ k: 1 }, 'object key']],
      bytes: '[Binary: 12 bytes]',
      typed: '[Binary: 4 bytes]',
      account: { owner: 'ann', apiKey: M },
      url: `https://bob:${M}@example.com/x`,
      boxed: 'boxed',
      list: [null, null, 1],
      err: { name: 'Error', message: `failed with Bearer ${M}` },
    })
    expect(Object.keys(out)).not.toContain('missing')
    expect(Object.keys(out)).not.toContain('fn')
    expect(Object.keys(out)).not.toContain('sym')
  })

  it('survives getters that throw and revoked proxies', () => {
    const hostile = {
      get boom() {
        throw new Error('no')
      },
    }
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(redact({ ok: 1, hostile, proxy })).toEqual({
      ok: 1,
      hostile: '[Unreadable]',
      proxy: '[Unreadable]',
    })
  })

  it('keeps a __proto__ key as data without touching the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "password": "p"}') as unknown
    const out = redact(input) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
    expect(out.password).toBe(M)
  })

  it('handles top-level scalars', () => {
    expect(redact('Bearer abcdefgh12345')).toBe(`Bearer ${M}`)
    expect(redact(42)).toBe(42)
    expect(redact(undefined)).toBe(null)
    expect(redact(null)).toBe(null)
  })

  it('leaves non-sensitive data unchanged', () => {
    const input = {
      action: 'restart',
      target: 'prod/api',
      replicas: 3,
      labels: { team: 'core' },
      tags: ['a', 'b'],
      ok: true,
    }
    expect(redact(input)).toEqual(input)
  })
})
