/**
 * Redaction of secrets before anything reaches the audit log, an approval
 * record or a stored outcome.
 *
 * @remarks Two independent nets:
 * - **keys**: a value under a sensitive key (`password`, `apiKey`,
 *   `X-Auth-Token`, `stripe_api_key`, ...) is replaced whole, whatever it is;
 * - **values**: strings are scanned for things that look like credentials
 *   (`Bearer ...`, JWTs, PEM private keys, AWS/Stripe/GitHub/Slack tokens,
 *   passwords in URLs, `password=...` pairs) wherever they appear.
 *
 * The result is always JSON-safe and never shares structure with the input.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { RE2JS } from 're2js'
import { z } from 'zod'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'

/** What replaces a redacted value unless configured otherwise. */
export const DEFAULT_MASK = '**REDACTED**'

/** Nesting depth past which the rest of a value is replaced by {@link TRUNCATED_MARKER}. */
export const DEFAULT_MAX_DEPTH = 64

/** Stands in for a reference back to an enclosing object. */
export const CIRCULAR_MARKER = '[Circular]'

/** Stands in for everything nested deeper than the depth limit. */
export const TRUNCATED_MARKER = '[Truncated]'

/**
 * Built-in sensitive key terms, in normalised form (lower-case words joined
 * by `_`).
 *
 * @remarks Covers every key of the reference tool's list (`credentials`,
 * `x-api-key`, `x-auth-token`, `x-authorization`, `apikey` follow from the
 * matching rules) and adds common ones it missed.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'api_key',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'session_token',
  'client_secret',
  'secret_key',
  'access_key',
  'private_key',
  'signing_key',
  'encryption_key',
  'authorization',
  'credential',
  'cookie',
  'session',
  'jwt',
  'otp',
  'totp',
  'pin',
  'ssn',
  'iban',
  'credit_card',
  'card_number',
  'cvv',
  'cvc',
]

// Single words distinctive enough to be found inside run-together keys such
// as `userpassword` or `setcookie`. Multi-word terms are always looked for
// that way too (`stripeapikey`). Short words are not: `pin` would hit
// `shipping`, `secret` would hit `secretary`.
const RUN_TOGETHER_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'credential',
  'authorization',
  'cookie',
])

// Broad default words that name a quantity or a description more often than a
// secret (`max_tokens`, `token_count`, `secret_name`, `session_duration`). A key
// matched only by one of these is exempt when it also carries a qualifier word.
const BROAD_WORDS = new Set(['token', 'secret', 'session', 'pin', 'otp', 'totp', 'authorization'])
const QUALIFIER_WORDS = new Set([
  'count',
  'counts',
  'limit',
  'limits',
  'max',
  'min',
  'num',
  'total',
  'usage',
  'used',
  'remaining',
  'length',
  'len',
  'size',
  'budget',
  'estimate',
  'estimated',
  'input',
  'output',
  'prompt',
  'completion',
  'cached',
  'reasoning',
  'type',
  'types',
  'name',
  'names',
  'ref',
  'arn',
  'path',
  'url',
  'uri',
  'endpoint',
  'expiry',
  'expires',
  'ttl',
  'timeout',
  'duration',
])

/** Options for {@link createRedactor}; snake_case because it is also read from configuration files. */
export interface RedactionConfig {
  /** Extra sensitive key terms, matched by the same rules as the defaults. */
  readonly keys?: readonly string[] | undefined
  /** Keys that are never redacted by key (compared after normalisation, whole key only). Values are still scanned. */
  readonly allow_keys?: readonly string[] | undefined
  /** Use only `keys`, not {@link DEFAULT_SENSITIVE_KEYS}. */
  readonly replace_default_keys?: boolean | undefined
  /** Replacement text; `**REDACTED**` by default. */
  readonly mask?: string | undefined
  /** Extra value patterns (RE2 syntax, linear time); every match inside a string is masked. */
  readonly patterns?: readonly string[] | undefined
  /** Nesting depth past which the remainder is replaced by `[Truncated]`; 64 by default. */
  readonly max_depth?: number | undefined
}

/** Schema of {@link RedactionConfig}, for configuration loaders. */
export const redactionConfigSchema = z
  .object({
    keys: z.array(z.string().min(1)).optional(),
    allow_keys: z.array(z.string().min(1)).optional(),
    replace_default_keys: z.boolean().optional(),
    mask: z.string().min(1).optional(),
    patterns: z.array(z.string().min(1)).optional(),
    max_depth: z.number().int().min(1).max(1000).optional(),
  })
  .strict()

/** Replaces secrets in values before they are stored. */
export interface Redactor {
  /** A redacted, JSON-safe copy of `value`. Never mutates and never throws. */
  redact(value: unknown): unknown
  /** `text` with every secret-looking value masked. */
  redactString(text: string): string
  /** Whether a value under `key` is replaced whole. */
  isSensitiveKey(key: string): boolean
}

interface KeyTerm {
  readonly words: readonly string[]
  /** The words run together, for matching inside run-together keys; null when not matched that way. */
  readonly runTogether: string | null
  readonly broad: boolean
}

const KEY_CACHE_LIMIT = 4096
const KEY_CACHE_MAX_KEY_LENGTH = 200

/**
 * Splits a key into lower-case words: camelCase humps, acronyms, digits and
 * any non-alphanumeric character separate words (`X-Auth-Token`, `apiKey`,
 * `APIKey`, `db.password` → `x auth token`, `api key`, `api key`, `db password`).
 */
export function keyWords(key: string): string[] {
  const words: string[] = []
  let word = ''
  const flush = () => {
    if (word !== '') words.push(word.toLowerCase())
    word = ''
  }
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    const kind = charKind(c)
    if (kind === 0) {
      flush()
      continue
    }
    if (word !== '') {
      const prev = charKind(key.charCodeAt(i - 1))
      const next = i + 1 < key.length ? charKind(key.charCodeAt(i + 1)) : 0
      const boundary =
        (kind === 1 && prev !== 1) || // lower/digit → Upper: `apiKey`, `sha256Sum`
        (kind === 1 && prev === 1 && next === 2) || // end of acronym: `APIKey` → `API` `Key`
        (kind === 3) !== (prev === 3) // letters ↔ digits
      if (boundary) flush()
    }
    word += key[i]
  }
  flush()
  return words
}

/** 0 separator, 1 upper-case letter, 2 lower-case letter (or other letter), 3 digit. */
function charKind(c: number): 0 | 1 | 2 | 3 {
  if (c >= 65 && c <= 90) return 1
  if (c >= 97 && c <= 122) return 2
  if (c >= 48 && c <= 57) return 3
  // Non-ASCII letters count as lower-case letters so they stay inside a word.
  if (c > 127) return 2
  return 0
}

function toTerm(raw: string, builtIn: boolean): KeyTerm | null {
  const words = keyWords(raw)
  if (words.length === 0) return null
  const joined = words.join('')
  const runTogether = words.length > 1 || RUN_TOGETHER_WORDS.has(joined) ? joined : null
  return { words, runTogether, broad: builtIn && words.length === 1 && BROAD_WORDS.has(joined) }
}

function termMatches(term: KeyTerm, words: readonly string[], joined: string): boolean {
  if (term.runTogether !== null && joined.includes(term.runTogether)) return true
  const n = term.words.length
  for (let start = 0; start + n <= words.length; start++) {
    let all = true
    for (let j = 0; j < n; j++) {
      const want = term.words[j]!
      const have = words[start + j]!
      // The last word may be a plural: `credentials`, `cookies`, `tokens`.
      if (
        have !== want &&
        !(j === n - 1 && have.length === want.length + 1 && have.endsWith('s') && have.startsWith(want))
      )
        all = false
      if (!all) break
    }
    if (all) return true
  }
  return false
}

function hasQualifier(words: readonly string[]): boolean {
  for (const w of words) if (QUALIFIER_WORDS.has(w)) return true
  return false
}

// ------------------------------------------------------------ value patterns

// Every built-in pattern starts behind a negative lookbehind on its own body
// characters, so a match attempt can only begin where a run of such characters
// begins; attempts therefore never rescan each other's text and the scan stays
// linear in the length of the string. No pattern nests quantifiers.
const SECRET_TOKENS = new RegExp(
  [
    // JWT: base64url header `{"...` . payload . signature (may be empty for alg none)
    String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`,
    // AWS access key ids (long-term and temporary)
    '(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    // Stripe secret and restricted keys, webhook signing secrets
    '(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}',
    '(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{16,}',
    // GitHub tokens: classic (ghp, gho, ghu, ghs, ghr) and fine-grained
    '(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})',
    // Slack tokens
    '(?<![A-Za-z0-9_-])xox[abeprs]-[A-Za-z0-9-]{10,}',
    // Password in URL userinfo: keep scheme, user and host, mask the password
    String.raw`(?<![A-Za-z0-9+.-])(?<url>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@]*:)[^\s/?#@]+@`,
  ].join('|'),
  'g',
)

const SECRET_PHRASES = new RegExp(
  [
    // Authorization schemes followed by their credential
    String.raw`(?<![A-Za-z0-9_])(?<scheme>bearer|basic)[ \t]+(?<cred>[A-Za-z0-9\-._~+/]+=*)`,
    // key=value / key: value pairs in free text, query strings and connection strings
    String.raw`(?<![A-Za-z0-9])(?<kv>(?:password|passwd|pwd|passphrase|client[_-]?secret|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|auth[_-]?token|private[_-]?key)["']?[ \t]*[:=][ \t]*["']?)[^\s"'&;,]+`,
    // query parameters that usually carry credentials
    String.raw`(?<=[?&])(?<query>(?:token|key|sig|signature|code|auth)=)[^\s&#"']+`,
  ].join('|'),
  'gi',
)

const PEM_BEGIN = '-----BEGIN '
const PEM_PRIVATE_HEADER_END = 'PRIVATE KEY-----'
const PEM_END = '-----END '

function isPrintableCredentialPair(b64: string): boolean {
  const decoded = Buffer.from(b64, 'base64').toString('latin1')
  if (!decoded.includes(':')) return false
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i)
    if (c < 0x20 || c > 0x7e) return false
  }
  return true
}

function looksLikeBearerCredential(cred: string): boolean {
  // "Bearer authentication" is prose; real tokens are long and not all letters.
  return cred.length >= 8 && /[^A-Za-z]/.test(cred)
}

// Found by indexOf rather than a lazy regex: an unterminated block is masked to
// the end of the string, and many BEGIN markers cannot make the scan quadratic.
function maskPemBlocks(text: string, mask: string): string {
  let from = text.indexOf(PEM_BEGIN)
  if (from === -1) return text
  let out = ''
  let copied = 0
  while (from !== -1) {
    const headerEnd = text.indexOf('-----', from + PEM_BEGIN.length)
    if (headerEnd === -1) break
    const header = text.slice(from, headerEnd + 5)
    if (!header.endsWith(PEM_PRIVATE_HEADER_END) || header.includes('\n')) {
      from = text.indexOf(PEM_BEGIN, headerEnd + 5)
      continue
    }
    const endMarker = text.indexOf(PEM_END, headerEnd + 5)
    let blockEnd = text.length
    if (endMarker !== -1) {
      const endClose = text.indexOf('-----', endMarker + PEM_END.length)
      blockEnd = endClose === -1 ? text.length : endClose + 5
    }
    out += text.slice(copied, from) + mask
    copied = blockEnd
    from = text.indexOf(PEM_BEGIN, blockEnd)
  }
  return copied === 0 ? text : out + text.slice(copied)
}

// ------------------------------------------------------------------ redactor

type ValueCompiler = (text: string) => string

function configError(message: string, issues?: unknown): AirlockError {
  return new AirlockError(
    ErrorCode.CONFIG_INVALID,
    message,
    issues === undefined ? {} : { details: { issues } },
  )
}

function compileExtraPatterns(patterns: readonly string[], mask: string): ValueCompiler[] {
  return patterns.map((pattern) => {
    let compiled: RE2JS
    try {
      compiled = RE2JS.compile(pattern)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw configError(`redaction: invalid pattern '${pattern}': ${reason}`)
    }
    return (text: string) => compiled.matcher(text).replaceAll(() => mask)
  })
}

/**
 * Builds a redactor. Validates `config` (throws AirlockError CONFIG_INVALID,
 * with zod issues in `details`, on a bad option or an invalid pattern).
 *
 * @remarks Key rules: a key is split into words (see {@link keyWords}); it is
 * sensitive when a term's words occur in it consecutively (the last one may
 * be plural), or when a multi-word term or one of the words `password`,
 * `passwd`, `passphrase`, `credential`, `authorization`, `cookie` occurs
 * inside the key with the separators removed. The broad default words
 * `token`, `secret`, `session`, `pin`, `otp`, `totp`, `authorization` do not
 * count when the key also has a qualifier such as `count`, `max`, `name`,
 * `type` or `url` (`max_tokens`, `secret_name`). Decisions are cached.
 */
export function createRedactor(config: RedactionConfig = {}): Redactor {
  const parsed = redactionConfigSchema.safeParse(config)
  if (!parsed.success)
    throw configError(`redaction: ${parsed.error.issues[0]?.message ?? 'invalid'}`, parsed.error.issues)
  const mask = config.mask ?? DEFAULT_MASK
  const maxDepth = config.max_depth ?? DEFAULT_MAX_DEPTH

  const terms: KeyTerm[] = []
  if (config.replace_default_keys !== true) {
    for (const k of DEFAULT_SENSITIVE_KEYS) {
      const t = toTerm(k, true)
      if (t) terms.push(t)
    }
  }
  for (const k of config.keys ?? []) {
    const t = toTerm(k, false)
    if (t) terms.push(t)
  }
  const allowed = new Set((config.allow_keys ?? []).map((k) => keyWords(k).join('_')))
  const extra = compileExtraPatterns(config.patterns ?? [], mask)
  const cache = new Map<string, boolean>()

  function decideKey(key: string): boolean {
    const words = keyWords(key)
    if (words.length === 0) return false
    if (allowed.has(words.join('_'))) return false
    const joined = words.join('')
    let qualified: boolean | undefined
    for (const term of terms) {
      if (!termMatches(term, words, joined)) continue
      if (!term.broad) return true
      qualified ??= hasQualifier(words)
      if (!qualified) return true
    }
    return false
  }

  function isSensitiveKey(key: string): boolean {
    if (key.length > KEY_CACHE_MAX_KEY_LENGTH) return decideKey(key)
    const known = cache.get(key)
    if (known !== undefined) return known
    const decision = decideKey(key)
    if (cache.size >= KEY_CACHE_LIMIT) {
      const oldest = cache.keys().next()
      if (!oldest.done) cache.delete(oldest.value)
    }
    cache.set(key, decision)
    return decision
  }

  function redactString(text: string): string {
    let out = maskPemBlocks(text, mask)
    out = out.replace(SECRET_TOKENS, (_match: string, ...args: unknown[]) => {
      const groups = args[args.length - 1] as { url?: string }
      return groups.url === undefined ? mask : `${groups.url}${mask}@`
    })
    out = out.replace(SECRET_PHRASES, (match: string, ...args: unknown[]) => {
      const groups = args[args.length - 1] as { scheme?: string; cred?: string; kv?: string; query?: string }
      if (groups.kv !== undefined) return groups.kv + mask
      if (groups.query !== undefined) return groups.query + mask
      const scheme = groups.scheme ?? ''
      const cred = groups.cred ?? ''
      const secret =
        scheme.toLowerCase() === 'basic' ? isPrintableCredentialPair(cred) : looksLikeBearerCredential(cred)
      return secret ? `${scheme} ${mask}` : match
    })
    for (const replace of extra) out = replace(out)
    return out
  }

  function walk(value: unknown, depth: number, ancestors: Set<object>): unknown {
    switch (typeof value) {
      case 'string':
        return redactString(value)
      case 'number':
        return Number.isFinite(value) ? value : null
      case 'boolean':
        return value
      case 'bigint':
        return value.toString()
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined
    }
    if (value === null) return null
    const obj = value as object
    if (ancestors.has(obj)) return CIRCULAR_MARKER
    if (depth >= maxDepth) return TRUNCATED_MARKER
    ancestors.add(obj)
    try {
      return walkObject(obj, depth, ancestors)
    } catch {
      // Hostile getters, proxies and toJSON methods must not take the audit
      // write down with them, nor leak what they guard.
      return '[Unreadable]'
    } finally {
      ancestors.delete(obj)
    }
  }

  function walkObject(obj: object, depth: number, ancestors: Set<object>): unknown {
    if (Array.isArray(obj)) return walkList(obj, depth, ancestors)
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString()
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) {
      // Bytes cannot be scanned for secrets, so they are summarised, not copied.
      return `[Binary: ${obj.byteLength} bytes]`
    }
    if (obj instanceof Map) return walkMap(obj, depth, ancestors)
    if (obj instanceof Set) return walkList([...obj], depth, ancestors)
    if (obj instanceof String || obj instanceof Number || obj instanceof Boolean) {
      return walk(obj.valueOf(), depth, ancestors)
    }
    if (obj instanceof RegExp) return redactString(String(obj))
    if (obj instanceof Error) {
      const out = walkEntries(Object.entries(obj), depth, ancestors)
      return { name: redactString(obj.name), message: redactString(obj.message), ...out }
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(obj, '')
      if (json !== obj) return walk(json, depth, ancestors)
    }
    return walkEntries(Object.entries(obj), depth, ancestors)
  }

  function walkList(list: readonly unknown[], depth: number, ancestors: Set<object>): unknown[] {
    const out = new Array<unknown>(list.length)
    for (let i = 0; i < list.length; i++) {
      const item = walk(list[i], depth + 1, ancestors)
      out[i] = item === undefined ? null : item
    }
    return out
  }

  function walkEntries(
    entries: readonly (readonly [string, unknown])[],
    depth: number,
    ancestors: Set<object>,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [key, child] of entries) {
      if (child === undefined) continue
      const item = isSensitiveKey(key) ? mask : walk(child, depth + 1, ancestors)
      if (item === undefined) continue
      // A plain assignment to `__proto__` would change the prototype instead.
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true })
    }
    return out
  }

  function walkMap(map: Map<unknown, unknown>, depth: number, ancestors: Set<object>): unknown {
    const entries: [string, unknown][] = []
    for (const [k, v] of map) {
      if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'bigint' && typeof k !== 'boolean') {
        // Keys that are not primitives cannot become object keys faithfully.
        return walkList(
          [...map].map(([key, val]) => [key, val]),
          depth,
          ancestors,
        )
      }
      entries.push([String(k), v])
    }
    return walkEntries(entries, depth, ancestors)
  }

  return {
    redact(value: unknown): unknown {
      const out = walk(value, 0, new Set())
      return out === undefined ? null : out
    },
    redactString(text: string): string {
      try {
        return redactString(text)
      } catch {
        return mask
      }
    },
    isSensitiveKey,
  }
}
