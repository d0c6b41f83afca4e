/**
 * The signing keys of identity tokens and execution tickets, kept in a
 * private JWK Set file and made on first use.
 *
 * @module
 */
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { JWK } from 'jose'
import { ConfigError } from '../errors/config-error.js'
import { generateSigningKey } from '../identity/tokens/generate-signing-key.js'

const FIELD = 'keys.key_file'

/** What a key file holds: the keys, and optionally which one signs. */
export interface SigningKeyFile {
  readonly keys: readonly JWK[]
  readonly signing_kid?: string
}

/** Options of {@link loadSigningKeyFile}. */
export interface LoadSigningKeyFileOptions {
  /** Create the file with a new Ed25519 key when it is missing. Default true. */
  readonly create?: boolean
}

function problem(path: string, message: string, cause?: unknown): ConfigError {
  return new ConfigError([{ file: path, field: FIELD, message }], cause === undefined ? {} : { cause })
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/**
 * Reads the private JWK Set in `path` (`{"keys": [...], "signing_kid"?}`, or
 * one JWK as `airlock keys generate` prints it), creating the file (mode
 * 0600, its folder 0700) with a new Ed25519 key when it does not exist.
 *
 * @remarks Creation uses an exclusive open, so replicas starting at once
 * agree on one key: the loser of the race reads the winner's file. A file
 * that other users can read is refused, as ssh does for private keys: the
 * key mints any identity and any execution ticket. Resolves null when the
 * file is missing and `create` is false.
 *
 * @throws ConfigError naming the file when it cannot be created or read, is
 * not JSON, holds no keys, or is readable by group or others.
 */
export async function loadSigningKeyFile(
  path: string,
  options: LoadSigningKeyFileOptions = {},
): Promise<SigningKeyFile | null> {
  if (!(await exists(path))) {
    if (options.create === false) return null
    const jwk = await generateSigningKey()
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      await writeFile(path, `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`, { flag: 'wx', mode: 0o600 })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw problem(path, `cannot create the key file: ${String(error)}`, error)
      }
    }
  }
  if (process.platform !== 'win32') {
    const mode = (await stat(path)).mode & 0o777
    if ((mode & 0o077) !== 0) {
      throw problem(
        path,
        `the key file is readable by others (mode ${mode.toString(8).padStart(3, '0')}); run chmod 600 on it`,
      )
    }
  }
  let text: string
  try {
    text = (await readFile(path, 'utf8')).trim()
    // Another process may have created the file and not yet written the keys.
    for (let i = 0; text === '' && i < 40; i++) {
      await sleep(25)
      text = (await readFile(path, 'utf8')).trim()
    }
  } catch (error) {
    throw problem(path, `cannot read the key file: ${String(error)}`, error)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // The parser's message may quote the file, which holds private keys.
    throw problem(path, 'expected a JSON JWK Set ({"keys": [...]}); the file is not valid JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw problem(path, 'expected a JSON JWK Set ({"keys": [...]}) or one JWK')
  }
  const record = json as Record<string, unknown>
  if (!('keys' in record)) return { keys: [record as JWK] }
  if (!Array.isArray(record.keys) || record.keys.length === 0) {
    throw problem(path, "expected 'keys' to be a non-empty list of JWKs")
  }
  const signing = record.signing_kid
  if (signing !== undefined && (typeof signing !== 'string' || signing === '')) {
    throw problem(path, "expected 'signing_kid' to be a key id")
  }
  return { keys: record.keys as JWK[], ...(signing === undefined ? {} : { signing_kid: signing }) }
}
