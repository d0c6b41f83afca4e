/**
 * `airlock run <action>` and `airlock rollback plan|run <audit-id>`: send a
 * request (or the undo of an executed one) through the whole pipeline,
 * locally with the project configuration or through a running gateway.
 *
 * Exit codes: 0 executed (or planned), 1 denied, failed or refused, 4 held
 * for approval, 5 the gateway could not be reached.
 *
 * @module
 */
import type { Command } from 'commander'
import { type CliIo, DIM, GREEN, paint, RED, YELLOW } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { withInsecureOption } from '../gateway-url.js'
import { withBackend } from '../with-backend.js'
import type { RunBackend, RunFlags, Wire } from './run-backend.js'

interface Flags extends RunFlags {
  json?: boolean
}

const EXIT: Record<string, number> = {
  executed: ExitCode.OK,
  dry_run: ExitCode.OK,
  denied: ExitCode.FAILED,
  failed: ExitCode.FAILED,
  pending_approval: ExitCode.HELD,
}

function withBackendOptions(command: Command): Command {
  return withInsecureOption(
    command
      .option('--config <file>', 'airlock.config.* to run with locally (default: found from here upwards)')
      .option('--url <url>', 'a running gateway instead (default AIRLOCK_URL)'),
  )
    .option('--api-key <key>', 'API key for --url (default AIRLOCK_API_KEY)')
    .option('-c, --caller <id>', 'local runs: the caller id (default cli)')
    .option('--roles <list>', 'local runs: caller roles, comma-separated')
    .option('--groups <list>', 'local runs: caller groups, comma-separated')
    .option('--tenant <id>', 'local runs: caller tenant')
    .option('--json', 'machine-readable output')
}

const text = (value: unknown) => JSON.stringify(value)

/** How an outcome or plan reads in a terminal. */
export function formatRun(io: CliIo, wire: Wire): string {
  const status = String(wire.status)
  const colour =
    status === 'executed' || status === 'dry_run' ? GREEN : status === 'pending_approval' ? YELLOW : RED
  const head = status === 'dry_run' ? 'DRY RUN' : status.toUpperCase().replace('_', ' ')
  const lines = [
    `${paint(io, colour, head)} ${String(wire.action)}  ${paint(io, DIM, `audit ${String(wire.audit_id)}`)}`,
  ]
  const add = (label: string, value: unknown) => lines.push(`  ${`${label}:`.padEnd(12)}${String(value)}`)
  if (status === 'dry_run') {
    add('decision', `${String(wire.decision)} — ${String(wire.reason)}`)
    add('executor', wire.executor)
    const call = wire.call as { kind?: string; argv?: unknown; method?: string; url?: string } | null
    if (call?.kind === 'argv') add('argv', text(call.argv))
    else if (call?.kind === 'http') add('request', `${call.method} ${call.url}`)
    if (call) add('call', text(call))
    const credential = wire.credential as { type: string; provider: string; location: string } | null
    if (credential)
      add('credential', `${credential.type} from ${credential.provider} (${credential.location})`)
    for (const check of (wire.prechecks as { name: string; advisory: boolean }[]) ?? []) {
      add('precheck', `${check.name}${check.advisory ? ' (advisory)' : ''}`)
    }
    for (const warning of (wire.warnings as string[]) ?? []) add('warning', warning)
  }
  if (status === 'executed') add('result', text(wire.result))
  if (status === 'failed') add('error', `${(wire.error as { message: string }).message}`)
  if (status === 'denied') add('reason', `${String(wire.reason)} (${String(wire.code)})`)
  if (status === 'pending_approval') add('approval', `${String(wire.approval_id)} — ${String(wire.reason)}`)
  return `${lines.join('\n')}\n`
}

/** How a rollback plan reads in a terminal. */
export function formatPlan(io: CliIo, plan: Wire): string {
  const runnable = plan.runnable === true
  const lines = [
    `${paint(io, runnable ? GREEN : RED, runnable ? 'UNDO PLAN' : 'UNDO NOT RUNNABLE')} of ${String(plan.audit_id)} (${String(plan.action)})`,
    `  action:     ${String(plan.rollback_action)}`,
    `  target:     ${String(plan.target ?? '(none)')}`,
  ]
  const sources = (plan.sources ?? {}) as Record<string, string>
  for (const [name, value] of Object.entries((plan.params ?? {}) as Record<string, unknown>)) {
    lines.push(`  param:      ${name} = ${text(value)}  ${paint(io, DIM, `from ${sources[name] ?? '?'}`)}`)
  }
  for (const warning of (plan.warnings as string[]) ?? []) lines.push(`  warning:    ${warning}`)
  return `${lines.join('\n')}\n`
}

/** Runs `work` against the backend the flags name, mapping refusals to exit 1 and gateway trouble to 5. */
async function runWith(
  io: CliIo,
  flags: Flags,
  setExit: (code: number) => void,
  work: (backend: RunBackend) => Promise<number>,
): Promise<void> {
  // The pipeline (or the gateway client) loads when a run starts: `audit` registers show-state from here.
  const { openRunBackend } = await import('./run-backend.js')
  await withBackend(io, setExit, () => openRunBackend(io, flags), work)
}

function printOutcome(io: CliIo, flags: Flags, wire: Wire): number {
  io.stdout.write(flags.json ? `${JSON.stringify(wire, null, 2)}\n` : formatRun(io, wire))
  return EXIT[String(wire.status)] ?? ExitCode.RUNTIME
}

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withBackendOptions(
    program
      .command('run')
      .description('run an action through the whole pipeline (exit 0 executed, 1 denied/failed, 4 held)')
      .argument('<action>', 'action name')
      .option('-t, --target <id>', 'target id from the inventory')
      .option('-p, --params <json>', 'action parameters as a JSON object')
      .option('--dry-run', 'decide and show exactly what would run; run nothing'),
  ).action(async (action: string, flags: Flags & { target?: string; params?: string; dryRun?: boolean }) => {
    const params = (await import('./check-command.js')).parseParams(flags.params)
    await runWith(io, flags, setExit, async (backend) =>
      printOutcome(io, flags, await backend.run(action, params, flags.target ?? null, flags.dryRun === true)),
    )
  })

  const rollback = program.command('rollback').description('undo an executed run, through the whole pipeline')
  withBackendOptions(
    rollback
      .command('plan')
      .description('show the undo of an executed run: action, inputs and where each came from')
      .argument('<audit-id>', 'the executed audit event'),
  ).action(async (id: string, flags: Flags) => {
    await runWith(io, flags, setExit, async (backend) => {
      const plan = await backend.rollbackPlan(id)
      io.stdout.write(flags.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(io, plan))
      return plan.runnable === true ? ExitCode.OK : ExitCode.FAILED
    })
  })
  withBackendOptions(
    rollback
      .command('run')
      .description('send the undo through policy, approvals and the runner (exit as for run)')
      .argument('<audit-id>', 'the executed audit event'),
  ).action(async (id: string, flags: Flags) => {
    await runWith(io, flags, setExit, async (backend) => {
      const wire = await backend.rollbackRun(id)
      if (!flags.json && wire.plan) io.stdout.write(formatPlan(io, wire.plan as Wire))
      return printOutcome(io, flags, wire)
    })
  })
}

/** `airlock audit show-state <audit-id>`: the state before and after a run, and the diff. */
export function registerShowState(audit: Command, io: CliIo, setExit: (code: number) => void): void {
  withBackendOptions(
    audit
      .command('show-state')
      .description('show the state an executed run recorded before and after, and the diff')
      .argument('<audit-id>', 'the executed (or failed) audit event'),
  ).action(async (id: string, flags: Flags) => {
    await runWith(io, flags, setExit, async (backend) => {
      const event = await backend.event(id)
      const execution = ((event.context ?? {}) as { execution?: Record<string, unknown> }).execution
      const state = {
        audit_id: event.id,
        action: event.action,
        status: event.status,
        executor: execution?.executor ?? null,
        state_before: execution?.state_before ?? null,
        state_after: execution?.state_after ?? null,
        diff: execution?.diff ?? null,
      }
      if (flags.json) io.stdout.write(`${JSON.stringify(state, null, 2)}\n`)
      else {
        io.stdout.write(`${String(state.status)} ${String(state.action)} (${String(state.audit_id)})\n`)
        if (!execution) io.stdout.write('  no state was recorded: the run did not go through an executor\n')
        else {
          io.stdout.write(`  before: ${text(state.state_before)}\n  after:  ${text(state.state_after)}\n`)
          io.stdout.write(`  diff:   ${text(state.diff)}\n`)
        }
      }
      return execution ? ExitCode.OK : ExitCode.FAILED
    })
  })
}
