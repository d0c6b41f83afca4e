import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { secretEqual } from '../../src/internal/secret-equal.js'

const root = join(import.meta.dirname, '..', '..')
const HELPER = 'src/internal/secret-equal.ts'

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [relative(root, path)] : []
  })
}

const read = (file: string) => readFileSync(join(root, file), 'utf8')

// Where each kind of secret is compared, and the names it goes by there.
const SECRET_SITES: Record<string, readonly string[]> = {
  'src/identity/auth/api-key-auth.ts': ['key', 'digest', 'sha256'],
  'src/identity/auth/trusted-header-auth.ts': ['presented', 'secret'],
  'src/approvals/channels/slack/slack-signature.ts': ['signature', 'signing_secret'],
  'src/approvals/channels/webhook/webhook-signature.ts': ['candidate', 'expected', 'secret'],
  'src/dashboard/create-dashboard.tsx': ['given', 'expected', 'csrf'],
  'src/dashboard/routes/auth-routes.tsx': ['given', 'expected', 'csrf'],
}

// A comparison with a literal (`key === null`, `presented === ''`) reveals nothing about the secret.
const LITERAL = String.raw`(?:null|undefined|true|false|-?\d+|'[^']*'|"[^"]*")`

function equalityOn(name: string): RegExp {
  const operand = String.raw`(?<![\w.])(?:\w+\.)*${name}(?:\.\w+)*(?![\w(])`
  const op = '(?<![=!])(?:===|!==|==|!=)(?!=)'
  return new RegExp(
    String.raw`${operand}\s*${op}(?!\s*${LITERAL}(?![\w.]))|(?<!${LITERAL}\s*)${op}\s*${operand}`,
  )
}

describe('secret comparisons', () => {
  it('calls timingSafeEqual in one place only: the secret comparison helper', () => {
    const users = sources(join(root, 'src')).filter((file) => read(file).includes('timingSafeEqual'))
    expect(users).toEqual([HELPER])
  })

  it.each(Object.entries(SECRET_SITES))(
    'compares the secrets in %s through secretEqual only',
    (file, names) => {
      const text = read(file)
      expect(text).toContain('secretEqual(')
      const offending = text
        .split('\n')
        .map((line, i) => ({ line: line.trim(), at: i + 1 }))
        .filter(({ line }) => !line.startsWith('//') && !line.startsWith('*'))
        .filter(
          ({ line }) =>
            names.some((name) => equalityOn(name).test(line)) || /\.equals\(|Buffer\.compare\(/.test(line),
        )
      expect(offending).toEqual([])
    },
  )

  it('notices a secret compared with ===', () => {
    expect(equalityOn('secret').test('if (presented === secret) return')).toBe(true)
    expect(equalityOn('digest').test('if (entry.digest !== digest) continue')).toBe(true)
    expect(equalityOn('key').test('if (key === null) return null')).toBe(false)
  })

  it('tells equal secrets from different ones of any length', () => {
    expect(secretEqual('s3cret', 's3cret')).toBe(true)
    expect(secretEqual('s3cret', 's3creT')).toBe(false)
    expect(secretEqual('s3cret', 's3cret-longer')).toBe(false)
    expect(secretEqual(Buffer.from('ab'), Buffer.from('ab'))).toBe(true)
    expect(secretEqual('', 'x')).toBe(false)
  })
})
