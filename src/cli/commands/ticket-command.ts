import type { Command } from 'commander'
import { validateTicket } from '../../tickets/validate-ticket.js'
import { type CliIo, GREEN, paint, RED } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { parseParams } from './check-command.js'
import { type KeyFlags, keySetFromFlags, withKeyOptions } from './key-options.js'
import { openStoreFromFlags, withStoreOption } from './store-option.js'

interface VerifyFlags extends KeyFlags {
  action: string
  target?: string
  params?: string
  caller?: string
  tenant?: string
  audience?: string
  store?: string
  json?: boolean
}

/** `airlock ticket verify`. */
export function registerTicket(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const ticket = program.command('ticket').description('execution tickets')

  withStoreOption(
    withKeyOptions(
      ticket
        .command('verify')
        .description(
          'validate an execution ticket and consume its nonce in the store, so a second run reports the replay (exit 1 if invalid)',
        )
        .argument('<token>', 'execution ticket')
        .requiredOption('--action <name>', 'the action about to run')
        .option('-t, --target <id>', 'the target about to be acted on')
        .option('-p, --params <json>', 'the params about to be used, as a JSON object')
        .option('-c, --caller <id>', 'the caller the ticket must be for')
        .option('--tenant <id>', 'the tenant the ticket must be for')
        .option('--audience <aud>', 'this executor’s audience, if tickets name one')
        .option('--json', 'machine-readable output'),
      { jwks: true },
    ),
  ).action(async (token: string, flags: VerifyFlags) => {
    const params = flags.params === undefined ? undefined : parseParams(flags.params)
    const keySet = await keySetFromFlags(io, flags)
    const store = await openStoreFromFlags(io, flags)
    try {
      await store.migrate()
      const result = await validateTicket(
        keySet,
        token,
        {
          action: flags.action,
          ...(flags.target === undefined ? {} : { target: flags.target }),
          ...(params === undefined ? {} : { params }),
          ...(flags.caller === undefined ? {} : { caller: flags.caller }),
          ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
        },
        store.nonces,
        {
          ...(flags.issuer ? { issuer: flags.issuer } : {}),
          ...(flags.audience ? { audience: flags.audience } : {}),
        },
      )
      if (flags.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
      else if (result.valid) {
        const c = result.claims
        io.stdout.write(
          `${[
            `${paint(io, GREEN, 'VALID')} — ${result.reason}`,
            `  action:   ${c.action}`,
            `  target:   ${c.target ?? '(none)'}`,
            `  caller:   ${c.caller} (tenant ${c.tenant})`,
            `  audit:    ${c.audit_id}`,
            ...(c.approval_id ? [`  approval: ${c.approval_id}`] : []),
            `  nonce:    ${c.jti}`,
            `  expires:  ${new Date(c.exp * 1000).toISOString()}`,
          ].join('\n')}\n`,
        )
      } else io.stdout.write(`${paint(io, RED, 'INVALID')} — ${result.reason}\n`)
      setExit(result.valid ? ExitCode.OK : ExitCode.FAILED)
    } finally {
      await store.close()
    }
  })
}
