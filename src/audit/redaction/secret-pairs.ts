/**
 * Key-driven string scanning: secrets that are recognised by the name in
 * front of them rather than by their shape. `AWS_SECRET_ACCESS_KEY=...`,
 * `"token": "..."`, `Authorization: Token ...`, `--password hunter2`,
 * `?X-Amz-Signature=...` and the password in `postgres://app:pa/ss@db`.
 *
 * @remarks The names are judged by the redactor's own key rules, so a name
 * is sensitive in free text exactly when it would be sensitive as an object
 * key. Every scan is linear: a name is matched by a bounded pattern that can
 * only start where a run of name characters starts, and a value is read by
 * hand, once, and only after its name was found sensitive.
 *
 * @module
 */
import { keyWords } from './sensitive-keys.js'

// Name characters: letters of any script, digits, `_ . -` and invisible
// format characters (so `pass\u200Bword=` is still one name).
const NAME = String.raw`[\p{L}_\p{Cf}][\p{L}\p{N}_.\-\p{Cf}]{0,99}`
const NOT_AFTER_NAME = String.raw`(?<![\p{L}\p{N}_.\-\p{Cf}])`

// Authorization schemes that precede the credential in a header value.
const SCHEMES = '(?:token|bearer|basic|digest|apikey|bot|oauth|negotiate|sso-key)'

/** `name=`, `name:`, `"name": "`, `Authorization: Token ` (the value is read separately). */
const PAIR_HEAD = new RegExp(
  String.raw`${NOT_AFTER_NAME}(?<name>${NAME})(?<nameQuote>\\?["'])?[ \t]*(?<sep>[:=])[ \t]*(?<scheme>${SCHEMES}[ \t]+)?`,
  'giu',
)

/** `--name value` and `--name=value`. */
const FLAG_HEAD = new RegExp(String.raw`(?<![\p{L}\p{N}_\-])--(?<name>${NAME})(?:=|[ \t]+)`, 'gu')

/** A URL, up to the first character that cannot be part of one in running text. */
const URL_RUN = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>`]+/g

// Query parameters that carry credentials although their names alone are not
// sensitive keys (`sig`, `X-Amz-Signature`, `X-Amz-Credential`, OAuth `code`).
const CREDENTIAL_PARAM_WORDS = new Set(['sig', 'signature', 'key', 'code', 'auth', 'credential', 'token'])

const VALUE_END = new Set([' ', '\t', '\n', '\r', '"', "'", '&', ';', ','])
const QUERY_VALUE_END = new Set([...VALUE_END, '#'])

interface Value {
  readonly start: number
  readonly end: number
  /** What closes a quoted value (`"`, `'`, `\"`); empty when unquoted. */
  readonly quote: string
}

/** The value that starts at `from`: quoted up to its closing quote (or the line's end), else up to a delimiter. */
function readValue(text: string, from: number, queryParam: boolean): Value | null {
  const quote = text.startsWith('\\"', from)
    ? '\\"'
    : text[from] === '"' || text[from] === "'"
      ? text[from]!
      : ''
  const start = from + quote.length
  let end = start
  if (quote !== '') {
    while (end < text.length && text[end] !== '\n' && !text.startsWith(quote, end)) end++
  } else {
    // An object or list after the name is left to the JSON walk, which masks it whole.
    if (text[start] === '{' || text[start] === '[') return null
    const stops = queryParam ? QUERY_VALUE_END : VALUE_END
    while (end < text.length && !stops.has(text[end]!)) end++
  }
  return end > start ? { start, end, quote } : null
}

/**
 * What to do with the value after a name: leave it, mask it, or mask it
 * unless it is a single lower-case word (`token: required` is prose), or
 * mask a query parameter's value (which also ends at `#`).
 */
type Verdict = 'keep' | 'mask' | 'mask_unless_word' | 'mask_query_param'

const PROSE_WORD = /^[a-z]+$/

/** Replaces each sensitive value after a `head` match, as `judge` decides from the match alone. */
function maskAfterHeads(
  text: string,
  head: RegExp,
  mask: string,
  judge: (match: RegExpExecArray) => Verdict,
): string {
  let out = ''
  let copied = 0
  head.lastIndex = 0
  for (let m = head.exec(text); m !== null; m = head.exec(text)) {
    // Judged before the value is read, so a name that is not sensitive costs
    // nothing more and its value is scanned for further names.
    const verdict = judge(m)
    if (verdict === 'keep') continue
    const value = readValue(text, head.lastIndex, verdict === 'mask_query_param')
    if (value === null) continue
    const raw = text.slice(value.start, value.end)
    // Continue after the value (and its closing quote), never inside it.
    head.lastIndex = Math.min(text.length, value.end + value.quote.length)
    if (raw === mask || (verdict === 'mask_unless_word' && PROSE_WORD.test(raw))) continue
    out += text.slice(copied, value.start) + mask
    copied = value.end
  }
  return copied === 0 ? text : out + text.slice(copied)
}

function isCredentialParam(name: string): boolean {
  const words = keyWords(name)
  const last = words[words.length - 1]
  return last !== undefined && CREDENTIAL_PARAM_WORDS.has(last)
}

function maskPairs(text: string, mask: string, isSensitiveKey: (key: string) => boolean): string {
  return maskAfterHeads(text, PAIR_HEAD, mask, (m) => {
    const g = m.groups ?? {}
    const name = g.name ?? ''
    const before = text[m.index - 1]
    const inQuery = before === '?' || before === '&'
    if (inQuery && g.sep === '=')
      return isSensitiveKey(name) || isCredentialParam(name) ? 'mask_query_param' : 'keep'
    if (!isSensitiveKey(name)) return 'keep'
    // `token: required` is prose; `token: 9f8e...`, `"token": "x"` and `token=x` are not.
    return g.sep === ':' && g.nameQuote === undefined && g.scheme === undefined ? 'mask_unless_word' : 'mask'
  })
}

// `--password-file`, `--token-path`, `--api-key-env`: the flag names where the
// secret is, and its value is a path or a variable name.
const PLACE_WORDS = new Set(['file', 'path', 'dir', 'env', 'var', 'stdin', 'prompt', 'cmd', 'command'])

function namesPlace(name: string): boolean {
  const words = keyWords(name)
  return PLACE_WORDS.has(words[words.length - 1] ?? '')
}

function maskFlags(text: string, mask: string, isSensitiveKey: (key: string) => boolean): string {
  // `--password --verbose`: the next flag is not the password (FLAG_HEAD
  // cannot be followed by `-` because the value is read from after the spaces).
  return maskAfterHeads(text, FLAG_HEAD, mask, (m) =>
    text[FLAG_HEAD.lastIndex] !== '-' &&
    isSensitiveKey(m.groups?.name ?? '') &&
    !namesPlace(m.groups?.name ?? '')
      ? 'mask'
      : 'keep',
  )
}

/** `url` with the password in its userinfo masked; the password may itself hold `/`, `@` or `:`. */
function maskUrlPassword(url: string, mask: string): string {
  const authority = url.indexOf('://') + 3
  const rest = url.slice(authority)
  const query = rest.search(/[?#]/)
  let at = rest.lastIndexOf('@', query === -1 ? rest.length : query - 1)
  if (at === -1 && query !== -1) {
    // A `?` inside the password: accept a later `@` if no path came before it.
    const later = rest.lastIndexOf('@')
    at = later !== -1 && !rest.slice(0, later).includes('/') ? later : -1
  }
  if (at <= 0) return url
  const userinfo = rest.slice(0, at)
  const colon = userinfo.indexOf(':')
  if (colon === -1 || userinfo.slice(0, colon).includes('/')) return url
  const password = userinfo.slice(colon + 1)
  // `https://host:8080/users/@ann` is a port and a path, not a password.
  if (password === '' || password === mask || /^\d{1,5}\//.test(password)) return url
  return `${url.slice(0, authority + colon + 1)}${mask}${url.slice(authority + at)}`
}

/**
 * Builds the key-driven scan: URL passwords, `name=value` / `name: value`
 * pairs (quoted or not, with an optional authorization scheme), credential
 * query parameters and `--flag value` command-line arguments.
 */
export function createPairScanner(
  mask: string,
  isSensitiveKey: (key: string) => boolean,
): (text: string) => string {
  return (text: string): string => {
    let out = text.includes('://') ? text.replace(URL_RUN, (url) => maskUrlPassword(url, mask)) : text
    if (out.includes('=') || out.includes(':')) out = maskPairs(out, mask, isSensitiveKey)
    if (out.includes('--')) out = maskFlags(out, mask, isSensitiveKey)
    return out
  }
}
