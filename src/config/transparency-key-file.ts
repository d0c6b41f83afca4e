/**
 * The transparency log's signing key, kept in a file beside the database and
 * made on first use.
 *
 * @module
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConfigError } from '../errors/config-error.js'
import { generateSigner, type NoteSigner, parseSignerKey } from '../evidence/note-keys.js'

const FIELD = 'transparency.key_file'

function problem(path: string, message: string, cause?: unknown): ConfigError {
  return new ConfigError([{ file: path, field: FIELD, message }], cause === undefined ? {} : { cause })
}

/** A loaded key, and whether this call created its file. */
export interface TransparencyKey {
  readonly signer: NoteSigner
  readonly created: boolean
}

/**
 * Reads the `PRIVATE+KEY+…` signer key in `path`, creating the file (mode
 * 0600, its folder 0700) with a new key named `name` when it is missing.
 *
 * @remarks Creation uses an exclusive open, so replicas starting at once
 * agree on one key. A file readable by group or others is refused: the key
 * signs the log's checkpoints, and whoever holds it can sign a forked history.
 *
 * @throws ConfigError naming the file when it cannot be created or read, is
 * malformed, or is readable by others.
 */
export async function loadTransparencyKey(path: string, name: string): Promise<TransparencyKey> {
  let created = false
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  try {
    await writeFile(path, `${generateSigner(name).skey}\n`, { flag: 'wx', mode: 0o600 })
    created = true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw problem(path, `cannot create the key file: ${String(error)}`, error)
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
  let text = (await readFile(path, 'utf8')).trim()
  // Another process may have created the file and not yet written the key.
  for (let i = 0; text === '' && i < 40; i++) {
    await sleep(25)
    text = (await readFile(path, 'utf8')).trim()
  }
  try {
    return { signer: parseSignerKey(text), created }
  } catch (error) {
    // The parser's message never quotes the key itself.
    throw problem(path, (error as Error).message, error)
  }
}
