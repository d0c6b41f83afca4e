import type { JsonWebKeySet, KeySet } from './key-set.js'

/**
 * The public JWK Set of a key set, for `GET /.well-known/jwks.json`.
 *
 * @remarks Only the public part of asymmetric keys is published; HS256 keys
 * are shared secrets and never appear.
 */
export function publicJwks(keySet: KeySet): JsonWebKeySet {
  return { keys: keySet.publicKeys().map((k) => ({ ...k })) }
}
