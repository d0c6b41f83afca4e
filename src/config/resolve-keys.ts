/**
 * The `keys` section: the key set tickets and identity tokens are signed
 * with, inline (checked here) or in a key file (checked at start).
 *
 * @module
 */
import { resolve } from 'node:path'
import { AirlockError } from '../errors/airlock-error.js'
import { createKeySet } from '../identity/tokens/key-set.js'
import type { YamlSource } from '../internal/yaml-source.js'
import type { ParsedConfigFile } from './config-schema.js'
import type { ResolvedKeysConfig } from './resolved-config.js'

/**
 * Inline keys are checked here, where errors can still point at a line:
 * key material that does not import, or a set that cannot sign. A key file is
 * checked when it is read at start, since it may not exist yet.
 */
export async function resolveKeys(
  source: YamlSource,
  config: ParsedConfigFile,
  dir: string,
): Promise<ResolvedKeysConfig | null> {
  const keys = config.keys
  if (keys === undefined) return null
  const common = { issuer: keys.issuer, signing_kid: keys.signing_kid ?? null }
  if (keys.jwks === undefined) return { kind: 'key_file', path: resolve(dir, keys.key_file!), ...common }
  let signer: string | null
  try {
    const set = await createKeySet({
      keys: keys.jwks,
      issuer: keys.issuer,
      ...(keys.signing_kid === undefined ? {} : { signing_kid: keys.signing_kid }),
    })
    signer = set.signing_kid
  } catch (error) {
    if (!(AirlockError.isInstance(error) && error.code === 'CONFIG_INVALID')) throw error
    const message = error.message.replace(/^Invalid key set: /, '')
    const index = /^keys\[(\d+)\]/.exec(message)?.[1]
    const path =
      index !== undefined
        ? ['keys', 'jwks', Number(index)]
        : message.startsWith('signing_kid')
          ? ['keys', 'signing_kid']
          : ['keys', 'jwks']
    throw source.error(path, message.replace(/^keys\[\d+\] ?:? ?/, ''))
  }
  if (signer === null) {
    throw source.error(
      ['keys', 'jwks'],
      'expected at least one private key (an Ed25519 JWK with d, or an HS256 JWK with k) to sign with',
    )
  }
  return { kind: 'jwks', jwks: keys.jwks, ...common }
}
