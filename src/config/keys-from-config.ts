import { AirlockError } from '../errors/airlock-error.js'
import { ConfigError } from '../errors/config-error.js'
import { generateSigningKey } from '../identity/tokens/generate-signing-key.js'
import { createKeySet, type KeySet } from '../identity/tokens/key-set.js'
import type { ResolvedConfig } from './resolved-config.js'
import { loadSigningKeyFile, type SigningKeyFile } from './signing-key-file.js'

/** Options of {@link keysFromConfig}. */
export interface KeysFromConfigOptions {
  /**
   * Create a missing key file. Default true. When false, a missing file is
   * stood in for by a throwaway key, so a configuration can be checked
   * without writing anything.
   */
  readonly create?: boolean
}

/**
 * The signing key set a configuration's `keys` section names, or undefined
 * when it has none.
 *
 * @throws ConfigError naming the key file (or the config file and
 * `keys.jwks`) when the keys cannot be read or imported, or none can sign.
 */
export async function keysFromConfig(
  config: ResolvedConfig,
  options: KeysFromConfigOptions = {},
): Promise<KeySet | undefined> {
  const keys = config.keys
  if (keys === null) return undefined
  const where =
    keys.kind === 'key_file'
      ? { file: keys.path, field: 'keys.key_file' }
      : { file: config.file, field: 'keys.jwks' }
  let jwks: SigningKeyFile
  if (keys.kind === 'jwks') jwks = { keys: keys.jwks }
  else {
    const loaded = await loadSigningKeyFile(keys.path, { create: options.create ?? true })
    jwks = loaded ?? { keys: [await generateSigningKey()] }
  }
  const signing_kid = keys.signing_kid ?? jwks.signing_kid
  let set: KeySet
  try {
    set = await createKeySet({
      keys: jwks.keys,
      issuer: keys.issuer,
      ...(signing_kid === undefined ? {} : { signing_kid }),
    })
  } catch (error) {
    if (AirlockError.isInstance(error) && error.code === 'CONFIG_INVALID') {
      throw new ConfigError([{ ...where, message: error.message }], { cause: error })
    }
    throw error
  }
  if (set.signing_kid === null) {
    throw new ConfigError([
      {
        ...where,
        message:
          'expected at least one private key (an Ed25519 JWK with d, or an HS256 JWK with k): the gateway signs tickets',
      },
    ])
  }
  return set
}
