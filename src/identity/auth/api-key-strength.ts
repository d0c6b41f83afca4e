/**
 * How strong an API key looks. Keys are configured as SHA-256 hashes, which
 * are fast to compute, so a guessable key is found from a leaked config in
 * seconds: keys must be random, as `generateApiKey` makes them.
 *
 * @module
 */
import { hashApiKey } from './generate-api-key.js'

/** The least apparent entropy, in bits, a key must show. */
export const MIN_API_KEY_BITS = 128

/**
 * Apparent entropy of `key` in bits: its length times the Shannon entropy of
 * its characters, where a character that repeats the one before it or carries
 * on a run (`abc`, `321`) counts for nothing.
 *
 * @remarks A lower bound for what a guesser would try first, not a proof of
 * randomness: 32 random base64 characters (or 40 random hex digits) clear
 * {@link MIN_API_KEY_BITS}; words, repeated patterns and sequences do not.
 */
export function apparentEntropyBits(key: string): number {
  const chars = [...key].map((c) => c.codePointAt(0) ?? 0)
  if (chars.length === 0) return 0
  const counts = new Map<number, number>()
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1)
  let perChar = 0
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length)
  let counted = 0
  for (let i = 0; i < chars.length; i++) {
    const step = i === 0 ? null : chars[i]! - chars[i - 1]!
    const before = i < 2 ? null : chars[i - 1]! - chars[i - 2]!
    const repeats = step === 0
    const continuesRun = step !== null && Math.abs(step) === 1 && step === before
    if (!repeats && !continuesRun) counted++
  }
  return counted * perChar
}

/** Why `key` is too weak to use, or null when it is strong enough. The key itself is never quoted. */
export function apiKeyWeakness(key: string): string | null {
  const bits = Math.floor(apparentEntropyBits(key))
  if (bits >= MIN_API_KEY_BITS && !WEAK_KEY_HASHES.has(hashApiKey(key))) return null
  return `the key looks guessable (about ${bits} bits of apparent entropy, at least ${MIN_API_KEY_BITS} are needed): use a random key, e.g. one from \`airlock api-key generate\``
}

/**
 * Placeholders and common passwords seen as API keys in examples and quick
 * set-ups. Only their hashes are configured, so this list is how a loader
 * recognises one.
 */
const WELL_KNOWN_WEAK_KEYS = [
  '',
  'key',
  'apikey',
  'api-key',
  'api_key',
  'your-api-key',
  'your_api_key',
  'YOUR_API_KEY',
  'changeme',
  'change-me',
  'changeit',
  'replaceme',
  'replace-me',
  'secret',
  'mysecret',
  'my-secret',
  'supersecret',
  's3cr3t',
  'password',
  'password1',
  'passw0rd',
  'letmein',
  'hunter2',
  'admin',
  'admin123',
  'root',
  'test',
  'test123',
  'testing',
  'token',
  'dev',
  'development',
  'local',
  'demo',
  'example',
  'sample',
  'default',
  'dummy',
  'placeholder',
  'todo',
  'foo',
  'bar',
  'foobar',
  'xxx',
  'abc123',
  '123456',
  '12345678',
  '123456789',
  '1234567890',
  'qwerty',
  'airlock',
  'agent',
  'approver',
  'auditor',
]

const WEAK_KEY_HASHES: ReadonlySet<string> = new Set(WELL_KNOWN_WEAK_KEYS.map(hashApiKey))

/** Whether a configured hash is the SHA-256 of a placeholder or common password. */
export function isWellKnownWeakKeyHash(sha256: string): boolean {
  return WEAK_KEY_HASHES.has(sha256.toLowerCase())
}

/** What a config says when its hash is one of {@link isWellKnownWeakKeyHash}'s. */
export const WEAK_KEY_HASH_MESSAGE =
  'this is the SHA-256 of a well-known weak key (a placeholder or common password); generate a random key with `airlock api-key generate` and configure its sha256'
