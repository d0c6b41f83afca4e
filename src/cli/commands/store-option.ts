import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { type OpenStoreOptions, openStore } from '../../store/open-store.js'
import { sqliteUrlFrom } from '../../store/sqlite-url.js'
import type { Store } from '../../store/store.js'
import type { CliIo } from '../cli-io.js'
import { UsageError } from '../usage-error.js'

export const DEFAULT_STORE = 'sqlite:./.airlock/airlock.db'

/** Flags of the commands that work on a store. */
export interface StoreFlags {
  readonly store?: string | undefined
  readonly config?: string | undefined
}

/** Adds --store <url> and --config <file>. */
export function withStoreOption(command: Command): Command {
  return command
    .option(
      '--store <url>',
      `store URL: sqlite:<path>, postgres://..., or memory (default: the project config's store, AIRLOCK_STORE, or ${DEFAULT_STORE})`,
    )
    .option(
      '--config <file>',
      "use this config's store (default: airlock.config.{yaml,ts,mjs} found from here upwards)",
    )
}

/** How to say where a store is, for messages that need one. */
export const WHERE_IS_THE_STORE =
  'pass --store sqlite:<path> (or postgres://…), --config <airlock.config.yaml>, set AIRLOCK_STORE, or run this inside a project folder'

/**
 * The store URL a command uses: `--store`, then the store of `--config`, then
 * AIRLOCK_STORE, then the store of the config found from the working folder
 * upwards, then the default SQLite file.
 *
 * @remarks With `mustExist`, falling back to a default file that is not there
 * is a usage error that says how to point at a store, instead of quietly
 * creating an empty one.
 */
export async function storeUrlFromFlags(io: CliIo, flags: StoreFlags, mustExist = false): Promise<string> {
  if (flags.store !== undefined) return flags.store
  if (flags.config === undefined && io.env.AIRLOCK_STORE) return io.env.AIRLOCK_STORE
  // The config loader (and every schema it checks) loads only when a config may name the store.
  const { findConfigFile, loadConfig } = await import('../../config/load-config.js')
  if (flags.config !== undefined)
    return (await loadConfig(resolve(io.cwd, flags.config), { env: io.env })).store
  if (io.env.AIRLOCK_STORE) return io.env.AIRLOCK_STORE
  const found = findConfigFile(io.cwd)
  if (found !== null) return (await loadConfig(found, { env: io.env })).store
  if (mustExist && !existsSync(resolve(io.cwd, DEFAULT_STORE.slice('sqlite:'.length)))) {
    throw new UsageError(
      `no store found: no airlock.config.yaml here or above, and no ${DEFAULT_STORE.slice('sqlite:'.length)}; ${WHERE_IS_THE_STORE}`,
    )
  }
  return DEFAULT_STORE
}

/** Opens the store named by the flags (see {@link storeUrlFromFlags}), relative SQLite paths taken from the cwd. */
export async function openStoreFromFlags(
  io: CliIo,
  flags: StoreFlags,
  mustExist = false,
  options: OpenStoreOptions = {},
): Promise<Store> {
  return openStore(sqliteUrlFrom(io.cwd, await storeUrlFromFlags(io, flags, mustExist)), options)
}

/**
 * Opens the store the flags name (it must exist), migrates it, runs `fn` and
 * closes the store whatever happens.
 */
export async function withStore<T>(
  io: CliIo,
  flags: StoreFlags,
  fn: (store: Store) => Promise<T>,
  options: OpenStoreOptions = {},
): Promise<T> {
  // Reading an audit chain from a store nobody named would only show an empty one.
  const store = await openStoreFromFlags(io, flags, true, options)
  try {
    await store.migrate()
    return await fn(store)
  } finally {
    await store.close()
  }
}
