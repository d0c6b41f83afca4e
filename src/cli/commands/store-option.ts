import { resolve } from 'node:path'
import type { Command } from 'commander'
import { openStore } from '../../store/open-store.js'
import type { Store } from '../../store/store.js'
import type { CliIo } from '../cli-io.js'

export const DEFAULT_STORE = 'sqlite:./.airlock/airlock.db'

/** Adds --store <url>. */
export function withStoreOption(command: Command): Command {
  return command.option(
    '--store <url>',
    `store URL: sqlite:<path>, postgres://..., or memory (default ${DEFAULT_STORE}, or AIRLOCK_STORE)`,
  )
}

/** Opens the store named by --store, AIRLOCK_STORE or the default, with relative SQLite paths taken from the cwd. */
export async function openStoreFromFlags(io: CliIo, url: string | undefined): Promise<Store> {
  let target = url ?? io.env.AIRLOCK_STORE ?? DEFAULT_STORE
  if (target.startsWith('sqlite:') && target !== 'sqlite::memory:') {
    target = `sqlite:${resolve(io.cwd, target.slice('sqlite:'.length))}`
  }
  return openStore(target)
}
