/**
 * `airlock approval list|show|approve|reject`.
 *
 * @module
 */
import type { Command } from 'commander'
import type { ApprovalStatus } from '../../store/store.js'
import { type CliIo, paint, RED } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { UsageError } from '../usage-error.js'
import { withBackend } from '../with-backend.js'
import type { ApprovalBackend } from './approval-backend.js'
import { formatApproval, formatApprovalTable, formatApproveResult, text } from './approval-format.js'
import { type ApprovalFlags, openBackend, parseLimit } from './approval-source.js'

/*
 * Exit codes of `airlock approval ...`:
 *   0  done (listed, shown, decided; for approve: executed, or waiting for more approvers)
 *   1  refused or unsuccessful: not found, already decided, self-approval, missing
 *      approver role, unauthenticated; approve whose action then failed or was denied
 *   2  usage error     3  configuration error     5  store or gateway unreachable, server error
 */

const STATUSES: readonly ApprovalStatus[] = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'executing',
  'executed',
  'failed',
]

const HELP_AFTER = `
Where approvals live (one of):
  --config <file>   the config's store; decisions check its approver roles and run the action here
  --store <url>     a store URL, for list and show only
  --url <url>       a running gateway (or AIRLOCK_URL), with --api-key (or AIRLOCK_API_KEY)

Exit codes:
  0  done: listed, shown, rejected; approved and executed, or waiting for more approvers
  1  refused (not found, already decided, self-approval, missing role, bad credential),
     or approved but the action then failed or was denied
  2  usage error   3  configuration error   5  store or gateway unreachable, gateway error
`

type Verb = 'read' | 'approve' | 'reject'
type Run = (flags: ApprovalFlags, verb: Verb, work: (b: ApprovalBackend) => Promise<number>) => Promise<void>

function withSource(command: Command, decide: boolean): Command {
  return command
    .option('--config <file>', 'act on the store of this config (default: airlock.config.yaml here)')
    .option('--store <url>', 'act on this store directly: sqlite:<path> or postgres://...')
    .option('--url <url>', 'act through a running gateway (or AIRLOCK_URL), e.g. http://127.0.0.1:8420')
    .option(
      '--insecure',
      'allow plain http:// to a host other than this machine (sends the API key in clear)',
    )
    .option('--api-key <key>', 'API key for --url (or AIRLOCK_API_KEY)')
    .option('--as <id>', `store mode: the approver's id${decide ? ' (required)' : ''}`)
    .option('--roles <list>', "store mode: the approver's roles, comma-separated")
    .option(
      '--unsafe-local',
      'store mode: decide as --as/--roles, an identity nobody signed (recorded as such)',
    )
    .option('--tenant <id>', 'store mode: the tenant (default: default)')
    .option('--json', 'machine-readable output')
}

/** Runs a command against a backend, turning refusals into exit 1 and gateway trouble into exit 5. */
function runner(io: CliIo, setExit: (code: number) => void): Run {
  return (flags, verb, work) => withBackend(io, setExit, () => openBackend(io, flags, verb), work)
}

function registerList(approval: Command, io: CliIo, run: Run): void {
  withSource(
    approval
      .command('list')
      .description('list approvals, newest first (pending ones unless --status says otherwise)')
      .option('--status <status>', `pending (default), or one of ${STATUSES.join(', ')}, or all`)
      .option('--limit <n>', 'how many, 1 to 1000 (default 50)'),
    false,
  ).action(async (flags: ApprovalFlags) => {
    const limit = parseLimit(flags.limit)
    const wanted = flags.status ?? 'pending'
    if (wanted !== 'all' && !(STATUSES as readonly string[]).includes(wanted)) {
      throw new UsageError(`--status must be all or one of ${STATUSES.join(', ')}, got '${wanted}'`)
    }
    const status = wanted === 'all' ? undefined : (wanted as ApprovalStatus)
    await run(flags, 'read', async (backend) => {
      const page = await backend.list(status, limit)
      if (flags.json) io.stdout.write(`${JSON.stringify(page, null, 2)}\n`)
      else {
        io.stdout.write(formatApprovalTable(page.items))
        io.stdout.write(
          `${page.items.length} approval(s)${page.next_cursor ? ' (more with --limit)' : ''}.\n`,
        )
      }
      return ExitCode.OK
    })
  })
}

function registerShow(approval: Command, io: CliIo, run: Run): void {
  withSource(
    approval.command('show').description('show one approval with its redacted inputs').argument('<id>'),
    false,
  ).action(async (id: string, flags: ApprovalFlags) => {
    await run(flags, 'read', async (backend) => {
      const a = await backend.show(id)
      io.stdout.write(flags.json ? `${JSON.stringify(a, null, 2)}\n` : formatApproval(io, a))
      return ExitCode.OK
    })
  })
}

function registerApprove(approval: Command, io: CliIo, run: Run): void {
  withSource(
    approval
      .command('approve')
      .description('approve a held request; once enough approvers agree it runs with its original inputs')
      .argument('<id>')
      .option('--comment <text>', 'why, kept with the decision and in the audit log'),
    true,
  ).action(async (id: string, flags: ApprovalFlags) => {
    await run(flags, 'approve', async (backend) => {
      const body = await backend.approve(id, flags.comment ?? null)
      io.stdout.write(flags.json ? `${JSON.stringify(body, null, 2)}\n` : formatApproveResult(io, id, body))
      const status = text(body.status)
      return status === 'executed' || status === 'pending_approval' || status === 'approved'
        ? ExitCode.OK
        : ExitCode.FAILED
    })
  })
}

function registerReject(approval: Command, io: CliIo, run: Run): void {
  withSource(
    approval
      .command('reject')
      .description('reject a held request; it never runs')
      .argument('<id>')
      .option('--comment <text>', 'why, kept with the decision and in the audit log'),
    true,
  ).action(async (id: string, flags: ApprovalFlags) => {
    await run(flags, 'reject', async (backend) => {
      const body = await backend.reject(id, flags.comment ?? null)
      io.stdout.write(
        flags.json ? `${JSON.stringify(body, null, 2)}\n` : `${paint(io, RED, 'REJECTED')} ${id}\n`,
      )
      return ExitCode.OK
    })
  })
}

export function registerApproval(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const approval = program
    .command('approval')
    .description('list, show, approve and reject held requests, in a store or through a running gateway')
    .addHelpText('after', HELP_AFTER)
  const run = runner(io, setExit)
  registerList(approval, io, run)
  registerShow(approval, io, run)
  registerApprove(approval, io, run)
  registerReject(approval, io, run)
}
