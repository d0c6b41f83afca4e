import type { Command } from 'commander'
import { generateSigningKey } from '../../identity/tokens/generate-signing-key.js'
import type { SigningAlgorithm } from '../../identity/tokens/key-set.js'
import { publicJwks } from '../../identity/tokens/public-jwks.js'
import type { CliIo } from '../cli-io.js'
import { UsageError } from '../usage-error.js'
import { type KeyFlags, keySetFromFlags, withKeyOptions } from './key-options.js'

/** `airlock keys generate` and `airlock keys jwks`. */
export function registerKeys(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('signing keys for identity tokens and execution tickets')

  keys
    .command('generate')
    .description('print a new private signing key as a JWK (keep it secret)')
    .option('--alg <alg>', 'EdDSA (Ed25519, default) or HS256')
    .option('--kid <id>', 'key id (default: random)')
    // The key is printed as JSON either way; the flag is accepted so scripts can pass it to every command.
    .option('--json', 'machine-readable output (the default for this command)')
    .action(async (flags: { alg?: string; kid?: string; json?: boolean }) => {
      const alg = flags.alg ?? 'EdDSA'
      if (alg !== 'EdDSA' && alg !== 'HS256')
        throw new UsageError(`--alg must be EdDSA or HS256, got '${alg}'`)
      const jwk = await generateSigningKey({
        alg: alg as SigningAlgorithm,
        ...(flags.kid ? { kid: flags.kid } : {}),
      })
      io.stdout.write(`${JSON.stringify(jwk, null, 2)}\n`)
    })

  withKeyOptions(
    keys
      .command('jwks')
      .description('print the public JWK Set of a key file (never private parts, never HS256 keys)'),
    { jwks: false },
  ).action(async (flags: KeyFlags) => {
    io.stdout.write(`${JSON.stringify(publicJwks(await keySetFromFlags(io, flags)), null, 2)}\n`)
  })
}
