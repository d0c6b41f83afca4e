/**
 * Key matching: whether a value under a key is a secret by its name alone
 * (`password`, `apiKey`, `X-Auth-Token`, `stripe_api_key`, ...).
 *
 * @module
 */
import { normaliseKey } from './normalise-key.js'

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

/** The key options of a {@link RedactionConfig}. */
export interface KeyMatcherConfig {
  readonly keys?: readonly string[] | undefined
  readonly allow_keys?: readonly string[] | undefined
  readonly replace_default_keys?: boolean | undefined
}

function compileTerms(config: KeyMatcherConfig): KeyTerm[] {
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
  return terms
}

/**
 * Builds the key test of a redactor. Decisions for keys up to 200 characters
 * are cached (at most 4,096, oldest evicted first): the same few keys recur in
 * every audited request.
 */
export function createKeyMatcher(config: KeyMatcherConfig): (key: string) => boolean {
  const terms = compileTerms(config)
  const allowed = new Set((config.allow_keys ?? []).map((k) => keyWords(normaliseKey(k)).join('_')))
  const cache = new Map<string, boolean>()

  const decideKey = (key: string): boolean => {
    const words = keyWords(normaliseKey(key))
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

  return (key: string): boolean => {
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
}
