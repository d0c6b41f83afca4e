/**
 * `airlock credentials check <action>`: which provider would answer for the
 * action's credential, what it would read (variables, file or Vault path,
 * with `--params` filled in), and whether it answers now. Prints the names
 * of the values it found, never a value.
 *
 * @module
 */
import type { Command } from 'commander'
import { loadConfigSources } from '../../config/load-config-sources.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { createCredentialResolver } from '../../executors/credentials/credential-resolver.js'
import { didYouMean } from '../../internal/did-you-mean.js'
import { type CliIo, GREEN, paint, RED } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { UsageError } from '../usage-error.js'
import { parseParams } from './check-command.js'
import { configFromFlags } from './serve-command.js'

interface Flags {
  config?: string
  params?: string
  json?: boolean
}

interface Report {
  action: string
  declared: string | null
  provider: string | null
  location: string | null
  available: boolean
  /** Names of the values the provider answered with. */
  values: string[]
  problem: string | null
}

function messageOf(error: unknown): string {
  return AirlockError.isInstance(error) || error instanceof Error ? error.message : String(error)
}

async function check(io: CliIo, name: string, flags: Flags): Promise<Report> {
  const params = parseParams(flags.params)
  const config = await configFromFlags(io, flags.config)
  const { registry } = await loadConfigSources(config)
  const action = registry.get(name)
  if (!action) {
    const names = registry.list().map((a) => a.name)
    throw new UsageError(`unknown action '${name}'${didYouMean(name, names)}`)
  }
  const block = action.meta.credentials as { type?: string } | null | undefined
  const report: Report = {
    action: name,
    declared: block?.type ?? null,
    provider: null,
    location: null,
    available: true,
    values: [],
    problem: null,
  }
  if (report.declared === null) return report
  const resolver = createCredentialResolver(config.executors?.credentials)
  try {
    const source = resolver.describe(action, params)
    report.provider = source?.provider ?? null
    report.location = source?.location ?? null
    const binding = { action: name, target: null, nonce: 'credentials-check' }
    const credential = await resolver.resolve({
      action,
      params,
      binding,
      signal: AbortSignal.timeout(10_000),
    })
    report.values = Object.keys(credential?.values ?? {}).sort()
    await credential?.revoke()
  } catch (error) {
    report.available = false
    report.problem = messageOf(error)
  }
  return report
}

function format(io: CliIo, r: Report): string {
  if (r.declared === null) return `${r.action} declares no credentials: nothing to fetch\n`
  const lines = [
    `${r.available ? paint(io, GREEN, 'AVAILABLE') : paint(io, RED, 'UNAVAILABLE')} — '${r.declared}' credential of ${r.action}`,
    `  provider:  ${r.provider ?? '(none configured)'}`,
    `  reads:     ${r.location ?? '(nothing)'}`,
  ]
  if (r.available) lines.push(`  values:    ${r.values.join(', ') || '(none)'} (not shown)`)
  if (r.problem) lines.push(`  problem:   ${r.problem}`)
  return `${lines.join('\n')}\n`
}

export function registerCredentials(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const credentials = program.command('credentials').description('inspect the credentials actions run with')
  credentials
    .command('check')
    .description(
      'which provider would answer for an action, what it reads, and whether it answers (exit 1 if not)',
    )
    .argument('<action>', 'action name')
    .option('--config <file>', 'airlock.config.* (default: found from here upwards)')
    .option('-p, --params <json>', 'the parameters scoped credentials are templated from')
    .option('--json', 'machine-readable output')
    .action(async (name: string, flags: Flags) => {
      const report = await check(io, name, flags)
      io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : format(io, report))
      setExit(report.available ? ExitCode.OK : ExitCode.FAILED)
    })
}
