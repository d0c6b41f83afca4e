import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { createKeySet, type KeySet, type KeySetConfig } from '../../identity/tokens/key-set.js'
import type { CliIo } from '../cli-io.js'
import { UsageError } from '../usage-error.js'

export interface KeyFlags {
  keyFile?: string
  jwksFile?: string
  issuer?: string
}

/** Adds --key-file, --jwks-file and --issuer. */
export function withKeyOptions(command: Command, options: { jwks: boolean }): Command {
  command.option(
    '--key-file <path>',
    'signing key: a JWK (from `airlock keys generate`) or {"keys": [...], "signing_kid"?} (default AIRLOCK_KEY_FILE)',
  )
  if (options.jwks)
    command.option('--jwks-file <path>', 'public JWK Set to verify with, instead of a key file')
  return command.option('--issuer <iss>', 'expected or issued `iss` (default airlock)')
}

async function readJson(io: CliIo, flag: string, path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8')
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${flag}: ${path} is not JSON: ${(error as Error).message}`)
  }
}

/** The key set named by --key-file / --jwks-file (or AIRLOCK_KEY_FILE). */
export async function keySetFromFlags(io: CliIo, flags: KeyFlags): Promise<KeySet> {
  if (flags.keyFile && flags.jwksFile) throw new UsageError('give --key-file or --jwks-file, not both')
  const keyFile = flags.keyFile ?? (flags.jwksFile ? undefined : io.env.AIRLOCK_KEY_FILE)
  const flag = keyFile ? '--key-file' : '--jwks-file'
  const path = keyFile ?? flags.jwksFile
  if (!path) throw new UsageError('a key is needed: pass --key-file <jwk.json> or --jwks-file <jwks.json>')
  const json = await readJson(io, flag, path)
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${flag}: ${path} must hold a JWK or a JWK Set`)
  }
  const config: KeySetConfig =
    'keys' in json ? (json as KeySetConfig) : { keys: [json as KeySetConfig['keys'][number]] }
  return createKeySet({ ...config, ...(flags.issuer ? { issuer: flags.issuer } : {}) })
}

/** Splits a comma-separated list, dropping blanks. */
export function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** Parses a whole number flag. */
export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got '${value}'`)
  return Number(value)
}
