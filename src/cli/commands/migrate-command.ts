import type { Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { openStoreFromFlags, type StoreFlags, withStoreOption } from './store-option.js'

/** `2 migrations applied`, `already up to date`, or (a store that does not say) `migrated`. */
function migrateSummary(kind: string, applied: number | null): string {
  if (applied === null) return `${kind} store migrated`
  if (applied === 0) return `${kind} store already up to date`
  return `${kind} store: ${applied} migration${applied === 1 ? '' : 's'} applied`
}

export function registerMigrate(program: Command, io: CliIo): void {
  withStoreOption(program.command('migrate').description('apply pending store migrations'))
    .option('--json', 'machine-readable output')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      const store = await openStoreFromFlags(io, flags)
      try {
        const result = await store.migrate()
        const applied = result ? result.applied : store.kind === 'memory' ? 0 : null
        io.stdout.write(
          flags.json
            ? `${JSON.stringify({ store: store.kind, applied })}\n`
            : `${migrateSummary(store.kind, applied)}\n`,
        )
      } finally {
        await store.close()
      }
    })
}
