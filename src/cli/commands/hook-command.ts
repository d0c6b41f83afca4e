import { resolve } from 'node:path'
import type { Command } from 'commander'
import { findConfigFile } from '../../config/load-config.js'
import { localPrincipal } from '../../identity/principal.js'
import { HOOK_DIALECT_NAMES } from '../../integrations/hooks/hook-dialect-names.js'
import type { HookEvaluator } from '../../integrations/hooks/index.js'
import { type CliIo, readAllStdin } from '../cli-io.js'
import { durationFlagMs } from '../duration-flag.js'
import { checkGatewayUrl } from '../gateway-url.js'
import { UsageError } from '../usage-error.js'

interface HookFlags {
  config?: string
  url?: string
  apiKey?: string
  insecure?: boolean
  caller?: string
  timeout?: string
}

const DEFAULT_TIMEOUT_MS = 5000

const MAX_TIMEOUT_MS = 600_000

function parseTimeout(value: string | undefined): number {
  return value === undefined ? DEFAULT_TIMEOUT_MS : durationFlagMs('--timeout', value, MAX_TIMEOUT_MS)
}

/** The gateway (--url or AIRLOCK_URL) when one is named, else the project's configuration file. */
function evaluatorFor(io: CliIo, flags: HookFlags, dialect: string): () => Promise<HookEvaluator> {
  const url = flags.url ?? (flags.config === undefined ? io.env.AIRLOCK_URL : undefined)
  if (url !== undefined && url !== '') {
    checkGatewayUrl(url, flags.insecure === true)
    const apiKey = flags.apiKey ?? io.env.AIRLOCK_API_KEY
    return async () => {
      const { remoteHookEvaluator } = await import('../../integrations/hooks/remote-evaluator.js')
      return remoteHookEvaluator(url, apiKey === '' ? undefined : apiKey)
    }
  }
  const caller = localPrincipal(flags.caller ?? io.env.AIRLOCK_CALLER ?? dialect)
  return async () => {
    const file = flags.config === undefined ? findConfigFile(io.cwd) : resolve(io.cwd, flags.config)
    if (file === null)
      throw new Error(`no airlock.config.yaml in ${io.cwd}; pass --config <file> or set AIRLOCK_URL`)
    const { localHookEvaluator } = await import('../../integrations/hooks/local-evaluator.js')
    return localHookEvaluator(file, caller, io.env)
  }
}

export function registerHook(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('hook')
    .description(
      `answer a coding agent's pre-tool-use hook from stdin (${HOOK_DIALECT_NAMES.join(', ')}); denies on any error`,
    )
    .argument('<dialect>', 'the agent: claude-code, codex, cursor or gemini-cli')
    .option(
      '--config <file>',
      'airlock.config.yaml with the policies (default: the one in the working folder)',
    )
    .option('--url <gateway>', 'decide with a running gateway instead (default AIRLOCK_URL)')
    .option(
      '--insecure',
      'allow plain http:// to a host other than this machine (sends the API key in clear)',
    )
    .option('--api-key <key>', 'API key for --url (default AIRLOCK_API_KEY)')
    .option('-c, --caller <id>', 'who the agent acts as, locally (default AIRLOCK_CALLER, else the dialect)')
    .option(
      '--timeout <duration>',
      'deny when no decision within this time: 500ms, 5s, 2m; a bare number is milliseconds (default 5s)',
    )
    .action(async (name: string, flags: HookFlags) => {
      // Loaded only for this command: the hooks stay out of every other command's start-up.
      const { HOOK_DIALECTS, runHook } = await import('../../integrations/hooks/index.js')
      const dialect = HOOK_DIALECTS[name]
      if (!dialect) {
        throw new UsageError(`unknown hook dialect '${name}' (known: ${HOOK_DIALECT_NAMES.join(', ')})`)
      }
      const timeout_ms = parseTimeout(flags.timeout)
      const evaluator = evaluatorFor(io, flags, name)
      const result = await runHook(dialect, await readAllStdin(io), { evaluator, timeout_ms })
      io.stdout.write(result.stdout)
      if (result.stderr !== '') io.stderr.write(result.stderr)
      setExit(result.exit_code)
      // A hung evaluation must not keep the agent waiting past our own answer.
      if (result.failed_closed && io.stdout === process.stdout) {
        setTimeout(() => process.exit(result.exit_code), 200).unref()
      }
    })
}
