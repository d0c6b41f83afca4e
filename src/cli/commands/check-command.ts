import type { Command } from 'commander'
import type { Decision } from '../../policy/decision.js'
import { type CliIo, DIM, GREEN, paint, RED, YELLOW } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { principalFromFlags } from '../principal-flags.js'
import { loadProject, type ProjectFlags } from '../project.js'
import { checkTarget, evaluatesUnknown, projectAirlock, unknownActionHint } from '../project-airlock.js'
import { UsageError } from '../usage-error.js'
import { withProjectOptions } from './project-options.js'

interface CheckFlags extends ProjectFlags {
  target?: string
  caller?: string
  roles?: string
  groups?: string
  tenant?: string
  params?: string
  ticketId?: string
  evaluateUnknown?: boolean
  json?: boolean
}

/** Parses --params: it must be a JSON object. */
export function parseParams(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`invalid JSON in --params: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--params must be a JSON object, e.g. {"namespace":"dev"}')
  }
  return value as Record<string, unknown>
}

const CODES: Record<Decision['decision'], number> = {
  allow: ExitCode.OK,
  deny: ExitCode.FAILED,
  require_approval: ExitCode.HELD,
}

export function formatDecision(io: CliIo, d: Decision): string {
  const colour = d.decision === 'allow' ? GREEN : d.decision === 'deny' ? RED : YELLOW
  const lines = [
    `${paint(io, colour, d.decision.toUpperCase())} — ${d.reason}`,
    `  action:    ${d.action}`,
    `  target:    ${d.target ?? '(none)'}`,
    `  caller:    ${d.caller}`,
    `  risk:      ${d.risk_class} → ${d.effective_risk}`,
    `  rule:      ${d.rule ?? paint(io, DIM, '(none)')}`,
  ]
  if (d.ticket_id) lines.push(`  ticket_id: ${d.ticket_id}`)
  for (const issue of d.param_errors) lines.push(`  param:     ${issue.message}`)
  return `${lines.join('\n')}\n`
}

export function registerCheck(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withProjectOptions(
    program
      .command('check')
      .description('decide one request against the policies (exit 0 allow, 1 deny, 4 require_approval)')
      .argument('<action>', 'action name')
      .option('-t, --target <id>', 'target id from the inventory')
      .option('-c, --caller <id>', 'caller id (default anonymous)')
      .option('--roles <list>', 'caller roles, comma-separated')
      .option('--groups <list>', 'caller groups, comma-separated')
      .option('--tenant <id>', 'caller tenant')
      .option('-p, --params <json>', 'action parameters as a JSON object')
      .option('--ticket-id <id>', 'external ticket or incident id')
      .option('--evaluate-unknown', 'let the policies decide tool names that are not declared actions'),
  ).action(async (action: string, flags: CheckFlags) => {
    const params = parseParams(flags.params)
    const project = await loadProject(io, flags)
    checkTarget(project, flags.target)
    const evaluate = evaluatesUnknown(project, flags.evaluateUnknown)
    const airlock = projectAirlock(project, evaluate)
    const caller = principalFromFlags(flags)
    const decision = airlock.decide(action, params, {
      ...(caller ? { caller } : {}),
      target: flags.target ?? null,
      ticket_id: flags.ticketId ?? null,
    })
    io.stdout.write(flags.json ? `${JSON.stringify(decision, null, 2)}\n` : formatDecision(io, decision))
    const hint = unknownActionHint(project, action, evaluate)
    if (hint !== '' && !flags.json) io.stderr.write(`${hint}\n`)
    setExit(CODES[decision.decision])
  })
}
