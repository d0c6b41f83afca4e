import { describe, expect, it } from 'vitest'
import { createRedactor, DEFAULT_MASK } from './redact.js'

const M = DEFAULT_MASK
const redactor = createRedactor()

// Values reconstructed from what agents really send; each reached the store
// unchanged before the redactor learnt its shape.
const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'

describe('strings that hold secrets', () => {
  it.each([
    ['a shell export', `export AWS_SECRET_ACCESS_KEY=${secret}`, `export AWS_SECRET_ACCESS_KEY=${M}`],
    ['an env assignment with quotes', `DB_PASSWORD="hunter 2" ./run`, `DB_PASSWORD="${M}" ./run`],
    ['a JSON document inside a string', '{"token":"abcdef123456"}', `{"token":"${M}"}`],
    [
      'an Authorization header with the Token scheme',
      'Authorization: Token abcdef1234567890',
      `Authorization: Token ${M}`,
    ],
    [
      'a curl header',
      `curl -H "X-Api-Key: k-9f8e7d6c" https://api.test`,
      `curl -H "X-Api-Key: ${M}" https://api.test`,
    ],
    ['a --password flag', 'mysql --password hunter2 -u root', `mysql --password ${M} -u root`],
    ['a --token= flag', 'deploy --token=abc123 --env prod', `deploy --token=${M} --env prod`],
    ['a quoted --client-secret flag', "login --client-secret 'x y z'", `login --client-secret '${M}'`],
    [
      'presigned URL parameters',
      'https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=FQoGZXIvYXdzEJr&X-Amz-Signature=abcdef0123#top',
      `https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=${M}&X-Amz-Signature=${M}#top`,
    ],
    [
      'an Azure SAS signature',
      'https://acct.blob.core.windows.net/c?sv=2022&sig=abc%2Bdef',
      `https://acct.blob.core.windows.net/c?sv=2022&sig=${M}`,
    ],
    ['a URL password with a slash', 'postgres://app:pa/ss@db:5432/prod', `postgres://app:${M}@db:5432/prod`],
    ['a URL password with an @', 'postgres://app:p@ss@db/prod', `postgres://app:${M}@db/prod`],
    ['a URL password with a ?', 'redis://u:pa?ss@cache:6379', `redis://u:${M}@cache:6379`],
    ['an OpenAI project key', 'key sk-proj-abcdefghijklmnopqrstuvwxyz0123 set', `key ${M} set`],
    ['an Anthropic key', 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz', M],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE', M],
    ['a GitHub OAuth token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', M],
    ['a GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', M],
    ['a GitLab token', 'glpat-abcdefghij0123456789', M],
    ['a Google API key', 'AIzaSyA-abcdefghijklmnopqrstuvwxyz01234', M],
    ['a Slack app token', 'xapp-1-A0123456789-0123456789', M],
    ['a Slack user token', 'xoxp-123456789012-1234567890123-abc', M],
    ['a JWT', `token ${jwt}`, `token ${M}`],
    [
      'an OpenSSH private key',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----',
      M,
    ],
    [
      'a PGP private key block',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----',
      M,
    ],
    ['an escaped JSON pair', String.raw`{\"password\":\"hunter2\"}`, String.raw`{\"password\":\"${M}\"}`],
  ])('masks %s', (_name, input, expected) => {
    expect(redactor.redactString(input)).toBe(expected)
    expect(redactor.redact({ note: input })).toEqual({ note: expected })
  })

  it('walks a JSON document inside a string, masking whole objects under sensitive keys', () => {
    const text = JSON.stringify({
      user: 'ann',
      credentials: { user: 'ann', pass: 'x' },
      list: ['{"api_key":"k"}'],
    })
    const out = JSON.parse(redactor.redactString(text)) as Record<string, unknown>
    expect(out).toEqual({ user: 'ann', credentials: M, list: [`{"api_key":"${M}"}`] })
  })
})

describe('structures that name their secrets', () => {
  it('masks header lists given as pairs', () => {
    expect(
      redactor.redact({
        headers: [
          ['X-Api-Key', 'k-1'],
          ['Accept', 'json'],
        ],
      }),
    ).toEqual({
      headers: [
        ['X-Api-Key', M],
        ['Accept', 'json'],
      ],
    })
  })

  it.each([
    [{ name: 'Authorization', value: 'Token abc' }],
    [{ Name: 'DB_PASSWORD', Value: 'hunter2' }],
    [{ key: 'stripe_api_key', value: 'abc' }],
    [{ header: 'Cookie', value: 'sid=1' }],
  ])('masks the value of a name/value pair %j', (pair) => {
    const out = redactor.redact([pair]) as Record<string, unknown>[]
    const valueKey = Object.keys(pair).find((k) => k.toLowerCase() === 'value')!
    expect(out[0]?.[valueKey]).toBe(M)
  })

  it('masks a token by its shape under an ordinary key', () => {
    expect(redactor.redact({ key: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123' })).toEqual({ key: M })
  })

  it.each([
    ['a Cyrillic а', 'pаssword'],
    ['fullwidth letters', 'ｐａｓｓｗｏｒｄ'],
    ['a zero-width space', 'pass\u200Bword'],
    ['a soft hyphen', 'api\u00ADKey'],
    ['Greek and Cyrillic capitals', 'ΤΟΚΕΝ'],
    ['a bidirectional control', 'sec\u202Eret'],
  ])('masks a key spelled with %s', (_name, key) => {
    expect(redactor.isSensitiveKey(key)).toBe(true)
    expect(redactor.redact({ [key]: 'v' })).toEqual({ [key]: M })
  })

  it('masks a look-alike key inside text', () => {
    expect(redactor.redactString('pаssword=hunter2')).toBe(`pаssword=${M}`)
  })
})

describe('harmless look-alikes stay visible', () => {
  it.each([
    'token: required',
    'max_tokens=4096',
    'token_count: 12',
    'idempotency_key=call_123',
    'author=alice',
    'secretary: Bob',
    'https://example.com:8080/users/@ann',
    'https://example.com/search?q=cats&page=2',
    'mailto:ann@example.com',
    'git clone git@github.com:org/repo.git',
    'run --verbose --output out.json',
    'pip install scikit-learn sk-learn',
    'the task-runner-for-large-batches started',
    'AKIA is the prefix of AWS key ids',
    'ghp_ marks a GitHub token',
    'name: primary, key: us-east-1',
    '{"name":"token_count","value":5}',
    '{"action":"restart","target":"prod/api"}',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----',
    'see RFC 6750 section 2.1',
    'password reset email sent to ann',
    'the password flag is deprecated',
    'use --password-file /run/secrets/db',
  ])('%s', (text) => {
    expect(redactor.redactString(text)).toBe(text)
  })

  it('keeps ordinary name/value pairs and pairs of words', () => {
    const input = { tags: [{ name: 'team', value: 'core' }], pair: ['region', 'eu-west-1'], note: '[1, 2]' }
    expect(redactor.redact(input)).toEqual(input)
  })
})
