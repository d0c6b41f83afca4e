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
    return /\.tsx?$/.test(entry.name) && !/\.test(?:-d)?\.tsx?$/.test(entry.name)
      ? [relative(root, path)]
      : []
  })
}

const read = (file: string) => readFileSync(join(root, file), 'utf8')

/** A name that may hold a secret: the compared value would leak through the time `===` takes. */
const SECRET_NAME = /token|secret|key|passw(?:or)?d|signature|csrf|hmac|digest|sha256|credential|nonce/i
/** Parts that describe a secret without being it (its length, its kind), and constants. */
const HARMLESS_TAIL = /^(?:length|size|byteLength|type|kind|name|id|alg|algorithm|kid|status)$/
const CONSTANT = /^[A-Z][A-Z0-9_]*$/
// A comparison with a literal (`key === null`, `presented === ''`) reveals nothing about the secret.
const LITERAL = /^(?:null|undefined|true|false|-?\d+(?:\.\d+)?|'[^']*'|"[^"]*"|`[^`]*`)$/
const OPERAND = String.raw`[\w$]+(?:(?:\?\.|\.)[\w$]+|\[[^\]]*\])*(?:\(\))?|'[^']*'|"[^"]*"`
const COMPARISON = new RegExp(
  String.raw`(?<!typeof\s+)(${OPERAND})\s*(?<![=!])(?:===|!==|==|!=)(?!=)\s*(${OPERAND})`,
  'g',
)

function holdsSecret(operand: string): boolean {
  if (LITERAL.test(operand)) return false
  const parts = operand.split(/\?\.|\./)
  if (HARMLESS_TAIL.test(parts.at(-1) ?? '')) return false
  return parts.some((part) => !CONSTANT.test(part) && SECRET_NAME.test(part))
}

/** Every `===`/`!==` (or `==`/`!=`) in `text` with a secret-like name on a side and no literal on the other. */
function secretComparisons(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('//') && !line.startsWith('*'))
    .filter((line) =>
      [...line.matchAll(COMPARISON)].some(
        ([, left = '', right = '']) =>
          !LITERAL.test(left) && !LITERAL.test(right) && (holdsSecret(left) || holdsSecret(right)),
      ),
    )
}

/**
 * Comparisons the scan flags that involve no secret, each with why. An entry
 * that no longer matches anything fails the test, so the list cannot rot.
 */
const ALLOWED: readonly { file: string; code: string; why: string }[] = [
  { file: 'src/policy/policy-file.ts', code: 'issue.field === listKey', why: 'a YAML key name' },
  { file: 'src/store/until-changed.ts', code: 'k !== key', why: 'a change-feed key' },
  {
    file: 'src/tickets/validate-ticket.ts',
    code: 'claims.params_sha256 !== paramsHash(',
    why: 'a hash of public parameters, inside a ticket whose signature was already checked',
  },
  { file: 'src/audit/redaction/secret-pairs.ts', code: 'password === mask', why: 'already-redacted text' },
  {
    file: 'src/dashboard/routes/inbox-routes.tsx',
    code: 'signature !== last',
    why: 'a content hash of the inbox',
  },
  {
    file: 'src/integrations/ai-sdk/tool-gate.ts',
    code: 'scope.tool_call_id !== ctx.idempotency_key',
    why: 'an idempotency key chosen by the caller',
  },
  {
    file: 'src/pipeline/run/run-executor.ts',
    code: 'bound.nonce !== binding.nonce',
    why: 'the nonce of a ticket whose signature was already checked',
  },
  { file: 'src/policy/matchers/glob.ts', code: 'token.', why: 'a token of a glob pattern' },
  { file: 'src/store/memory/memory-store.ts', code: 'idempotency_key === key', why: 'an idempotency key' },
]

const allowed = (file: string, line: string) =>
  ALLOWED.some((entry) => entry.file === file && line.includes(entry.code))

describe('secret comparisons', () => {
  it('calls timingSafeEqual in one place only: the secret comparison helper', () => {
    const users = sources(join(root, 'src')).filter((file) => read(file).includes('timingSafeEqual'))
    expect(users).toEqual([HELPER])
  })

  it('compares nothing secret-named with === anywhere in src/, outside the allow-list', () => {
    const offending = sources(join(root, 'src')).flatMap((file) =>
      secretComparisons(read(file))
        .filter((line) => !allowed(file, line))
        .map((line) => `${file}: ${line}`),
    )
    expect(offending, 'compare secrets with secretEqual(), or allow-list a false positive').toEqual([])
  })

  it('has no allow-list entry that matches nothing', () => {
    const stale = ALLOWED.filter(
      (entry) => !secretComparisons(read(entry.file)).some((line) => line.includes(entry.code)),
    )
    expect(stale).toEqual([])
  })

  it('compares the secrets of the known sites through secretEqual', () => {
    for (const file of [
      'src/identity/auth/api-key-auth.ts',
      'src/identity/auth/trusted-header-auth.ts',
      'src/approvals/channels/slack/slack-signature.ts',
      'src/approvals/channels/webhook/webhook-signature.ts',
      'src/dashboard/create-dashboard.tsx',
      'src/dashboard/routes/auth-routes.tsx',
    ]) {
      expect(read(file), file).toContain('secretEqual(')
    }
  })

  it('notices a secret compared with ===, and not a literal, a length or a constant', () => {
    expect(secretComparisons('if (presented === secret) return')).toHaveLength(1)
    expect(secretComparisons('if (entry.digest !== digest) continue')).toHaveLength(1)
    expect(secretComparisons('return given.csrf_token == cookie')).toHaveLength(1)
    expect(secretComparisons('if (key === null) return null')).toEqual([])
    expect(secretComparisons("if (typeof token !== 'string') return")).toEqual([])
    expect(secretComparisons('if (key.length !== KEY_BYTES) throw')).toEqual([])
    expect(secretComparisons('// a === secret in a comment')).toEqual([])
  })

  it('tells equal secrets from different ones of any length', () => {
    expect(secretEqual('s3cret', 's3cret')).toBe(true)
    expect(secretEqual('s3cret', 's3creT')).toBe(false)
    expect(secretEqual('s3cret', 's3cret-longer')).toBe(false)
    expect(secretEqual(Buffer.from('ab'), Buffer.from('ab'))).toBe(true)
    expect(secretEqual('', 'x')).toBe(false)
  })
})
