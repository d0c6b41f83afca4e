import type { Command } from 'commander'
import { DEFAULT_TICKET_AUDIENCE } from '../../tickets/issue-ticket.js'
import { ANY, type ExpectedTicket, validateTicket } from '../../tickets/validate-ticket.js'
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
        .option('-t, --target <id>', 'the target about to be acted on (`none` for no target, `any` to skip)')
        .option('-p, --params <json>', 'the params about to be used, as a JSON object (`any` to skip)')
        .option('-c, --caller <id>', 'the caller the ticket must be for (`any` to skip)')
        .option('--tenant <id>', 'the tenant the ticket must be for (`any` to skip)')
        .option(
          '--audience <aud>',
          `this executor’s audience: the ticket’s aud must equal it (default ${DEFAULT_TICKET_AUDIENCE}; \`any\` to skip)`,
        )
        .option('--json', 'machine-readable output'),
      { jwks: true },
    ),
  ).action(async (token: string, flags: VerifyFlags) => {
    // Every binding must be given; `any` skips one on purpose (a missing one is refused).
    const params =
      flags.params === undefined || flags.params === 'any' ? flags.params : parseParams(flags.params)
    const binding = (value: string | undefined) => (value === 'any' ? ANY : value)
    const keySet = await keySetFromFlags(io, flags)
    const store = await openStoreFromFlags(io, flags)
    try {
      await store.migrate()
      const result = await validateTicket(
        keySet,
        token,
        {
          action: flags.action,
          target: flags.target === 'none' ? null : binding(flags.target),
          params: params === 'any' ? ANY : params,
          caller: binding(flags.caller),
          tenant: binding(flags.tenant),
          // A flag left out stays undefined, which validateTicket refuses as `binding_missing`.
        } as ExpectedTicket,
        store.nonces,
        {
          ...(flags.issuer ? { issuer: flags.issuer } : {}),
          ...(flags.audience ? { audience: flags.audience === 'any' ? ANY : flags.audience } : {}),
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
