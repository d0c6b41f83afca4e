import type { Command } from 'commander'
import { apiKeyWeakness } from '../../identity/auth/api-key-strength.js'
import { generateApiKey, hashApiKey } from '../../identity/auth/generate-api-key.js'
import { type CliIo, DIM, paint, readAllStdin } from '../cli-io.js'
import { UsageError } from '../usage-error.js'

function configLine(sha256: string): string {
  return `  - { id: <name>, sha256: ${sha256}, actor_id: <actor> }`
}

/** `airlock api-key generate` and `airlock api-key hash`. */
export function registerApiKey(program: Command, io: CliIo): void {
  const apiKey = program.command('api-key').description('API keys for callers of the gateway')

  apiKey
    .command('generate')
    .description('print a new random API key (shown once) and the sha256 to put in the config')
    .option('--json', 'machine-readable output: { key, sha256 }')
    .action((flags: { json?: boolean }) => {
      const key = generateApiKey()
      const sha256 = hashApiKey(key)
      if (flags.json) {
        io.stdout.write(`${JSON.stringify({ key, sha256 }, null, 2)}\n`)
        return
      }
      io.stdout.write(
        `key:    ${key}\nsha256: ${sha256}\n\nUnder auth.api_keys in the config (the key itself never goes there):\n${configLine(sha256)}\n` +
          paint(io, DIM, 'Give the key to its caller now; it cannot be recovered from the hash.\n'),
      )
    })

  apiKey
    .command('hash')
    .description(
      'read an API key from standard input and print its sha256 for the config; guessable keys are refused',
    )
    .option('--json', 'machine-readable output: { sha256 }')
    .action(async (flags: { json?: boolean }) => {
      // Only the line ending is dropped: authentication trims the presented key the same way.
      const key = (await readAllStdin(io)).trim()
      if (key === '')
        throw new UsageError(
          'no key on standard input: pipe it in, e.g. `printenv MY_KEY | airlock api-key hash`',
        )
      const weakness = apiKeyWeakness(key)
      if (weakness !== null) throw new UsageError(`refusing to hash this key: ${weakness}`)
      const sha256 = hashApiKey(key)
      if (flags.json) io.stdout.write(`${JSON.stringify({ sha256 }, null, 2)}\n`)
      else io.stdout.write(`${sha256}\n`)
    })
}
