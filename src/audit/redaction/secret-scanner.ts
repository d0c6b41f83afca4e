/**
 * String scanning: masks things that look like credentials wherever they
 * appear in a string: by shape (`Bearer ...`, JWTs, PEM private keys, AWS,
 * Google, Stripe, OpenAI/Anthropic, GitHub, GitLab, npm and Slack tokens), by
 * the name in front of them (`secret-pairs.ts`: URL passwords, `name=value`,
 * headers, flags, credential query parameters), and any configured RE2
 * patterns.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { RE2JS } from 're2js'
import { configError } from './redaction-config.js'
import { createPairScanner } from './secret-pairs.js'

// Every built-in pattern starts behind a negative lookbehind on its own body
// characters, so a match attempt can only begin where a run of such characters
// begins; attempts therefore never rescan each other's text and the scan stays
// linear in the length of the string. No pattern nests quantifiers.
const SECRET_TOKENS = new RegExp(
  [
    // JWT: base64url header `{"...` . payload . signature (may be empty for alg none)
    String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`,
    // AWS access key ids (long-term, temporary, and the other IAM unique-id prefixes)
    '(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    // Google API keys
    '(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}',
    // Stripe secret and restricted keys, webhook signing secrets
    '(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}',
    '(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{16,}',
    // OpenAI and Anthropic style keys: sk-..., sk-proj-..., sk-ant-...
    '(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}',
    // GitHub tokens: classic (ghp, gho, ghu, ghs, ghr) and fine-grained; GitLab and npm tokens
    '(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36})',
    // Slack tokens
    '(?<![A-Za-z0-9_-])(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,}',
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
const PEM_PRIVATE = 'PRIVATE KEY'
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
    // RSA/EC/OPENSSH/ENCRYPTED private keys and PGP private key blocks alike.
    if (!header.includes(PEM_PRIVATE) || header.includes('\n')) {
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

type ValueCompiler = (text: string) => string

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
 * Builds the string scan of a redactor. Throws CONFIG_INVALID on an invalid
 * extra pattern; the scan itself is linear in the length of the text.
 */
export function createStringScanner(
  mask: string,
  patterns: readonly string[],
  isSensitiveKey: (key: string) => boolean,
): (text: string) => string {
  const extra = compileExtraPatterns(patterns, mask)
  const pairs = createPairScanner(mask, isSensitiveKey)
  return (text: string): string => {
    // The shortest built-in secret (an AWS key id, `Bearer` and a credential)
    // is longer than this, and pairs need a separator.
    if (extra.length === 0 && text.length < 15 && !text.includes('=') && !text.includes(':')) return text
    let out = maskPemBlocks(text, mask)
    out = out.replace(SECRET_TOKENS, mask)
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
    out = pairs(out)
    for (const replace of extra) out = replace(out)
    return out
  }
}
