import type { Command } from 'commander'
import { AirlockError } from '../../errors/airlock-error.js'
import { delegate } from '../../identity/delegation/delegate.js'
import { verifyIdentity } from '../../identity/tokens/identity-token.js'
import { type CliIo, GREEN, paint, RED } from '../cli-io.js'
import { durationFlagSeconds } from '../duration-flag.js'
import { ExitCode } from '../exit-codes.js'
import { type KeyFlags, keySetFromFlags, list, wholeNumber, withKeyOptions } from './key-options.js'

interface CreateFlags extends KeyFlags {
  sub: string
  roles?: string
  groups?: string
  ttl?: string
  maxDepth?: string
  json?: boolean
}

interface VerifyFlags extends KeyFlags {
  audience?: string
  json?: boolean
}

/** Token refusals are results (exit 1); anything else propagates. */
function refusal(error: unknown): AirlockError | null {
  return AirlockError.isInstance(error) && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')
    ? error
    : null
}

/** `airlock delegation create|verify`. */
export function registerDelegation(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const delegation = program.command('delegation').description('delegated agent identities')

  withKeyOptions(
    delegation
      .command('create')
      .description('derive a narrower identity token from a parent token (exit 1 if refused)')
      .argument('<parent-token>', 'the parent identity token')
      .requiredOption('--sub <id>', "the child's actor id")
      .option('--roles <list>', 'roles to pass on, comma-separated (each held by the parent)')
      .option('--groups <list>', 'groups to pass on, comma-separated')
      .option(
        '--ttl <duration>',
        "lifetime such as 30s, 15m or 1h (plain seconds also work), cut to the parent's (default: the parent's remaining lifetime)",
      )
      .option('--max-depth <n>', 'lower the max delegation depth below this token')
      .option('--json', 'machine-readable output'),
    { jwks: false },
  ).action(async (parent: string, flags: CreateFlags) => {
    const ttl = durationFlagSeconds('--ttl', flags.ttl, { bareSeconds: true })
    const maxDepth = wholeNumber('--max-depth', flags.maxDepth)
    const keySet = await keySetFromFlags(io, flags)
    try {
      const result = await delegate(keySet, parent, {
        sub: flags.sub,
        roles: list(flags.roles),
        groups: list(flags.groups),
        ...(ttl === undefined ? {} : { ttl_s: ttl }),
        ...(maxDepth === undefined ? {} : { max_depth: maxDepth }),
      })
      io.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${result.token}\n`)
      setExit(ExitCode.OK)
    } catch (error) {
      const refused = refusal(error)
      if (!refused) throw error
      if (flags.json) {
        io.stdout.write(
          `${JSON.stringify({ error: refused.message, code: refused.code, ...refused.details }, null, 2)}\n`,
        )
      } else io.stderr.write(`${paint(io, RED, 'REFUSED')} — ${refused.message}\n`)
      setExit(ExitCode.FAILED)
    }
  })

  withKeyOptions(
    delegation
      .command('verify')
      .description('verify an identity token and show its delegation chain (exit 1 if invalid)')
      .argument('<token>', 'identity token')
      .option('--audience <aud>', 'expected audience (not checked when omitted)')
      .option('--json', 'machine-readable output'),
    { jwks: true },
  ).action(async (token: string, flags: VerifyFlags) => {
    const keySet = await keySetFromFlags(io, flags)
    try {
      const { principal, claims } = await verifyIdentity(keySet, token, {
        audience: flags.audience,
        ...(flags.issuer ? { issuer: flags.issuer } : {}),
      })
      const delegated = principal.delegation_chain.length > 0
      if (flags.json) {
        io.stdout.write(`${JSON.stringify({ valid: true, delegated, principal, claims }, null, 2)}\n`)
      } else {
        const lines = [
          `${paint(io, GREEN, delegated ? 'DELEGATED' : 'DIRECT')} — ${principal.actor_id} (tenant ${principal.tenant_id})`,
          `  roles:     ${principal.roles.join(', ') || '(none)'}`,
          `  groups:    ${principal.groups.join(', ') || '(none)'}`,
          `  audience:  ${claims.aud}`,
          `  expires:   ${new Date(claims.exp * 1000).toISOString()}`,
          `  max depth: ${claims.max_delegation_depth}`,
        ]
        if (delegated) {
          lines.push(
            `  chain:     ${[...principal.delegation_chain.map((l) => l.actor_id), principal.actor_id].join(' → ')}`,
          )
          for (const [i, link] of principal.delegation_chain.entries()) {
            lines.push(`    ${i + 1}. ${link.actor_id}  roles: ${link.roles.join(', ') || '(none)'}`)
          }
        }
        io.stdout.write(`${lines.join('\n')}\n`)
      }
      setExit(ExitCode.OK)
    } catch (error) {
      const refused = refusal(error)
      if (!refused) throw error
      if (flags.json) {
        io.stdout.write(
          `${JSON.stringify({ valid: false, error: refused.message, ...refused.details }, null, 2)}\n`,
        )
      } else io.stdout.write(`${paint(io, RED, 'INVALID')} — ${refused.message}\n`)
      setExit(ExitCode.FAILED)
    }
  })
}
