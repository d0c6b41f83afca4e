import { resolve } from 'node:path'
import type { Command } from 'commander'
import { DEFAULT_IDENTITY_AUDIENCE } from '../../config/config-schema.js'
import { keysFromConfig } from '../../config/keys-from-config.js'
import { findConfigFile, loadConfig } from '../../config/load-config.js'
import { issueIdentityToken } from '../../identity/tokens/identity-token.js'
import type { KeySet } from '../../identity/tokens/key-set.js'
import type { CliIo } from '../cli-io.js'
import { durationFlagSeconds } from '../duration-flag.js'
import { UsageError } from '../usage-error.js'
import { type KeyFlags, keySetFromFlags, list, wholeNumber, withKeyOptions } from './key-options.js'

interface IssueFlags extends KeyFlags {
  sub: string
  roles?: string
  groups?: string
  tenant?: string
  ttl?: string
  audience?: string
  maxDepth?: string
  config?: string
  json?: boolean
}

/** The signing keys and defaults to mint with: a key file, or the `keys` of a gateway's config. */
interface Minter {
  readonly keySet: KeySet
  readonly audience: string
  /** Set when the config would not accept identity tokens, to say so. */
  readonly warning: string | null
}

async function minter(io: CliIo, flags: IssueFlags): Promise<Minter> {
  const keyFile = flags.keyFile ?? (flags.config === undefined ? io.env.AIRLOCK_KEY_FILE : undefined)
  if (flags.config !== undefined && flags.keyFile !== undefined) {
    throw new UsageError('give --config or --key-file, not both')
  }
  if (keyFile !== undefined) {
    return {
      keySet: await keySetFromFlags(io, { ...flags, keyFile }),
      audience: DEFAULT_IDENTITY_AUDIENCE,
      warning: null,
    }
  }
  const file = flags.config === undefined ? findConfigFile(io.cwd) : resolve(io.cwd, flags.config)
  if (file === null) {
    throw new UsageError(
      'a signing key is needed: pass --config <airlock.config.yaml> (its keys section) or --key-file <jwk.json>',
    )
  }
  if (flags.issuer !== undefined) {
    throw new UsageError('--issuer applies to --key-file; with a config the issuer is its keys.issuer')
  }
  const config = await loadConfig(file, { env: io.env })
  // Creates the key file when missing, exactly as `airlock serve` would, so tokens can be minted before the first start.
  const keySet = await keysFromConfig(config)
  if (keySet === undefined) {
    throw new UsageError(
      `${file} has no keys section; add keys: { key_file: ./.airlock/signing-key.json } to mint identity tokens`,
    )
  }
  const accepting = config.auth.identity_tokens
  return {
    keySet,
    audience: accepting?.audience ?? DEFAULT_IDENTITY_AUDIENCE,
    warning:
      accepting === null
        ? `note: ${file} does not set auth.identity_tokens, so its gateway will not accept this token\n`
        : null,
  }
}

/** `airlock token issue`. */
export function registerToken(program: Command, io: CliIo): void {
  const token = program.command('token').description('identity tokens for agents')

  withKeyOptions(
    token
      .command('issue')
      .description(
        "mint an identity token for an agent with the gateway's signing key (run by the gateway's operator; agents never hold the key)",
      )
      .requiredOption('--sub <id>', "the agent's actor id")
      .option('--roles <list>', 'roles, comma-separated')
      .option('--groups <list>', 'groups, comma-separated')
      .option('--tenant <id>', 'tenant (default: default)')
      .option('--ttl <duration>', 'lifetime, e.g. 15m, 1h or 7d (default 1h)')
      .option(
        '--audience <aud>',
        "who the token is for (default: the config's auth.identity_tokens.audience, or airlock)",
      )
      .option(
        '--max-depth <n>',
        'delegation hops allowed below this identity (default 5; 0 forbids delegation)',
      )
      .option('--config <file>', 'a gateway config whose keys sign (default: the one in the working folder)')
      .option('--json', 'machine-readable output'),
    { jwks: false },
  ).action(async (flags: IssueFlags) => {
    const ttl = durationFlagSeconds('--ttl', flags.ttl)
    const maxDepth = wholeNumber('--max-depth', flags.maxDepth)
    const { keySet, audience: defaultAudience, warning } = await minter(io, flags)
    const audience = flags.audience ?? defaultAudience
    const issuedAt = new Date()
    const minted = await issueIdentityToken(keySet, {
      sub: flags.sub,
      roles: list(flags.roles),
      groups: list(flags.groups),
      ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
      ...(ttl === undefined ? {} : { ttl_s: ttl }),
      ...(maxDepth === undefined ? {} : { max_delegation_depth: maxDepth }),
      audience,
      now: issuedAt,
    })
    if (warning !== null) io.stderr.write(warning)
    if (flags.json) {
      const claims = JSON.parse(Buffer.from(minted.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        exp: number
        tenant: string
      }
      io.stdout.write(
        `${JSON.stringify(
          {
            token: minted,
            sub: flags.sub,
            roles: list(flags.roles),
            groups: list(flags.groups),
            tenant: claims.tenant,
            audience,
            issuer: keySet.issuer,
            kid: keySet.signing_kid,
            expires_at: new Date(claims.exp * 1000).toISOString(),
          },
          null,
          2,
        )}\n`,
      )
    } else io.stdout.write(`${minted}\n`)
  })
}
