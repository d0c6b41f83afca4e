/**
 * Redaction of secrets before anything reaches the audit log, an approval
 * record or a stored outcome.
 *
 * @remarks Two independent nets:
 * - **keys**: a value under a sensitive key (`password`, `apiKey`,
 *   `X-Auth-Token`, `stripe_api_key`, ...) is replaced whole, whatever it is
 *   (`redaction/sensitive-keys.ts`);
 * - **values**: strings are scanned for things that look like credentials
 *   (`Bearer ...`, JWTs, PEM private keys, cloud and SaaS token formats,
 *   passwords in URLs, `name=value` pairs, headers and `--flag value`
 *   arguments whose name is a sensitive key) wherever they appear
 *   (`redaction/secret-scanner.ts`, `redaction/secret-pairs.ts`); a string
 *   holding a JSON document is parsed and walked like any other value.
 *
 * Name/value shapes count as keys: `[["X-Api-Key", "..."]]` and
 * `{name: "Authorization", value: "..."}` mask the value. Keys are compared
 * after NFKC normalisation, with invisible characters removed and Cyrillic
 * or Greek look-alike letters mapped to Latin ones.
 *
 * The result is always JSON-safe and never shares structure with the input
 * (`redaction/redact-value.ts`).
 *
 * @module
 */

import { redactText, type Walk, walk } from './redaction/redact-value.js'
import {
  checkRedactionConfig,
  DEFAULT_MASK,
  DEFAULT_MAX_DEPTH,
  type RedactionConfig,
} from './redaction/redaction-config.js'
import { createStringScanner } from './redaction/secret-scanner.js'
import { createKeyMatcher } from './redaction/sensitive-keys.js'

export { CIRCULAR_MARKER, TRUNCATED_MARKER } from './redaction/redact-value.js'
export {
  DEFAULT_MASK,
  DEFAULT_MAX_DEPTH,
  type RedactionConfig,
  redactionConfigSchema,
} from './redaction/redaction-config.js'
export { DEFAULT_SENSITIVE_KEYS, keyWords } from './redaction/sensitive-keys.js'

/** Replaces secrets in values before they are stored. */
export interface Redactor {
  /** A redacted, JSON-safe copy of `value`. Never mutates and never throws. */
  redact(value: unknown): unknown
  /** `text` with every secret-looking value masked. */
  redactString(text: string): string
  /** Whether a value under `key` is replaced whole. */
  isSensitiveKey(key: string): boolean
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
  checkRedactionConfig(config)
  const mask = config.mask ?? DEFAULT_MASK
  const maxDepth = config.max_depth ?? DEFAULT_MAX_DEPTH
  const isSensitiveKey = createKeyMatcher(config)
  const scan = createStringScanner(mask, config.patterns ?? [], isSensitiveKey)
  const newWalk = (): Walk => ({
    mask,
    maxDepth,
    isSensitiveKey,
    redactString: scan,
    ancestors: new Set(),
    masked: 0,
  })
  return {
    redact(value: unknown): unknown {
      const out = walk(newWalk(), value, 0)
      return out === undefined ? null : out
    },
    redactString(text: string): string {
      try {
        return redactText(newWalk(), text, 0)
      } catch {
        return mask
      }
    },
    isSensitiveKey,
  }
}
