/**
 * A seal key kept in a file beside the database, made on first use.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { generateSealKey, type SealerConfig } from '../audit/seal.js'
import { ConfigError } from '../errors/config-error.js'

const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/

/**
 * Reads the base64 key in `path`, creating the file (mode 0600, its folder
 * 0700) with a fresh random key when it does not exist.
 *
 * @remarks Creation uses an exclusive open, so two processes starting at once
 * agree on one key: the loser of the race reads the winner's file. A key file
 * that other users can read is refused, as ssh does for private keys: the key
 * decrypts the original inputs of every held request.
 *
 * @throws ConfigError naming the file when it is unreadable, malformed or
 * readable by group or others.
 */
export async function loadSealKeyFile(
  path: string,
  key_id: string,
  onCreate?: (path: string) => void,
): Promise<SealerConfig> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  try {
    await writeFile(path, `${generateSealKey()}\n`, { flag: 'wx', mode: 0o600 })
    onCreate?.(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError(
        [{ file: path, field: 'seal.key_file', message: `cannot create the key file: ${String(error)}` }],
        {
          cause: error,
        },
      )
    }
  }
  if (process.platform !== 'win32') {
    const mode = (await stat(path)).mode & 0o777
    if ((mode & 0o077) !== 0) {
      throw new ConfigError([
        {
          file: path,
          field: 'seal.key_file',
          message: `the key file is readable by others (mode ${mode.toString(8).padStart(3, '0')}); run chmod 600 on it`,
        },
      ])
    }
  }
  let text = (await readFile(path, 'utf8')).trim()
  // Another process may have created the file and not yet written the key.
  for (let i = 0; text === '' && i < 40; i++) {
    await sleep(25)
    text = (await readFile(path, 'utf8')).trim()
  }
  if (!BASE64_32.test(text) || Buffer.from(text, 'base64').length !== 32) {
    throw new ConfigError([
      {
        file: path,
        field: 'seal.key_file',
        message: 'expected one line holding a base64-encoded 32-byte key',
      },
    ])
  }
  return { keys: { [key_id]: text }, current: key_id }
}

/** Options of {@link sealKeyFile}. */
export interface SealKeyFileOptions {
  /** The key's id in sealed payloads. Default `k1`, as `seal: { key_file }` in a config. */
  readonly key_id?: string
  /** Told once when a new key file is created. Default: one line on stderr. */
  readonly log?: (message: string) => void
}

/**
 * Seal keys for `createAirlock({ seal })` from a key file, made (mode 0600)
 * with a fresh random key on first use, with one log line saying so.
 *
 * @example
 * ```ts
 * const airlock = createAirlock({
 *   store: sqliteStore({ path: './.airlock/airlock.db' }),
 *   seal: await sealKeyFile('./.airlock/seal.key'),
 *   actions: [refund],
 * })
 * ```
 */
export function sealKeyFile(path: string, options: SealKeyFileOptions = {}): Promise<SealerConfig> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`))
  return loadSealKeyFile(path, options.key_id ?? 'k1', (file) =>
    log(
      `airlock: created a new seal key in ${file}; keep it with the database (it decrypts the inputs of held requests)`,
    ),
  )
}
