import type { Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { openStoreFromFlags, withStoreOption } from './store-option.js'

export function registerMigrate(program: Command, io: CliIo): void {
  withStoreOption(program.command('migrate').description('apply pending store migrations')).action(
    async (flags: { store?: string }) => {
      const store = await openStoreFromFlags(io, flags.store)
      try {
        await store.migrate()
        io.stdout.write(`migrated ${store.kind} store\n`)
      } finally {
        await store.close()
      }
    },
  )
}
