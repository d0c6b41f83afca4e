import { createHash, randomBytes } from 'node:crypto'

/** Prefix of keys made by {@link generateApiKey}; it makes a leaked key easy to recognise in scans. */
export const API_KEY_PREFIX = 'ak_'

/** A new API key: `ak_` followed by 32 random bytes in base64url. Show it once; store only {@link hashApiKey} of it. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`
}

/** The lower-case hex SHA-256 of a key: what `apiKeyAuth` configuration stores instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}
