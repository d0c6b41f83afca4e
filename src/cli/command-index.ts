/**
 * The top-level commands of the CLI, each with the module that defines it,
 * so a run loads only the command it names: `airlock audit verify` never
 * imports the gateway, the dashboard or the executors, and `airlock --help`
 * imports no command at all.
 *
 * @remarks The help listing comes from the `term` and `summary` written here;
 * `command-index.test.ts` checks them against what each module registers.
 *
 * @module
 */
import type { Command } from 'commander'
import type { CliIo } from './cli-io.js'

/** Adds a module's command(s) to `program`. */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void

/** One top-level command as `airlock --help` lists it, and how to load it. */
export interface CommandEntry {
  readonly name: string
  /** The command with its arguments, as help shows it. */
  readonly term: string
  readonly summary: string
  readonly load: () => Promise<RegisterCommand>
}

const entry = (name: string, term: string, summary: string, load: () => Promise<RegisterCommand>) => ({
  name,
  term,
  summary,
  load,
})

/** Every top-level command, in the order help lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  entry(
    'check',
    'check [options] <action>',
    'decide one request against the policies (exit 0 allow, 1 deny, 4 require_approval)',
    async () => (await import('./commands/check-command.js')).registerCheck,
  ),
  entry(
    'test',
    'test [options] <path>',
    'run policy test cases (exit 1 if any fails)',
    async () => (await import('./commands/test-command.js')).registerTest,
  ),
  entry(
    'validate',
    'validate [options]',
    'check the project config and every file it names, or the action, policy and inventory files given',
    async () => (await import('./commands/validate-command.js')).registerValidate,
  ),
  entry(
    'list-actions',
    'list-actions [options]',
    'list the registered actions',
    async () => (await import('./commands/list-actions-command.js')).registerListActions,
  ),
  entry(
    'migrate',
    'migrate [options]',
    'apply pending store migrations',
    async () => (await import('./commands/migrate-command.js')).registerMigrate,
  ),
  entry(
    'audit',
    'audit',
    'read, export, verify and prove the audit chain; witness its checkpoints; ship it; show recorded state',
    async () => (await import('./commands/audit-command.js')).registerAudit,
  ),
  entry(
    'serve',
    'serve [options]',
    'serve the HTTP API of a config file until SIGINT or SIGTERM',
    async () => (await import('./commands/serve-command.js')).registerServe,
  ),
  entry(
    'init',
    'init [options] [dir]',
    'create a starter project: config, an action, a policy, an inventory and policy tests',
    async () => (await import('./commands/init-command.js')).registerInit,
  ),
  entry(
    'approval',
    'approval',
    'list, show, approve and reject held requests, in a store or through a running gateway',
    async () => (await import('./commands/approval-command.js')).registerApproval,
  ),
  entry(
    'keys',
    'keys',
    'signing keys for identity tokens and execution tickets',
    async () => (await import('./commands/keys-command.js')).registerKeys,
  ),
  entry(
    'api-key',
    'api-key',
    'API keys for callers of the gateway',
    async () => (await import('./commands/api-key-command.js')).registerApiKey,
  ),
  entry(
    'delegation',
    'delegation',
    'delegated agent identities',
    async () => (await import('./commands/delegation-command.js')).registerDelegation,
  ),
  entry(
    'ticket',
    'ticket',
    'execution tickets',
    async () => (await import('./commands/ticket-command.js')).registerTicket,
  ),
  entry(
    'token',
    'token',
    'identity tokens for agents',
    async () => (await import('./commands/token-command.js')).registerToken,
  ),
  entry(
    'mcp',
    'mcp',
    'MCP: serve governed actions, or govern another MCP server',
    async () => (await import('./commands/mcp-command.js')).registerMcp,
  ),
  entry(
    'hook',
    'hook [options] <dialect>',
    "answer a coding agent's pre-tool-use hook from stdin (claude-code, codex, cursor, gemini-cli); denies on any error",
    async () => (await import('./commands/hook-command.js')).registerHook,
  ),
  entry(
    'run',
    'run [options] <action>',
    'run an action through the whole pipeline (exit 0 executed, 1 denied/failed, 4 held)',
    async () => (await import('./commands/run-command.js')).registerRun,
  ),
  // Registered by the run module along with `run`.
  entry(
    'rollback',
    'rollback',
    'undo an executed run, through the whole pipeline',
    async () => (await import('./commands/run-command.js')).registerRun,
  ),
  entry(
    'credentials',
    'credentials',
    'inspect the credentials actions run with',
    async () => (await import('./commands/credentials-command.js')).registerCredentials,
  ),
  entry(
    'policy',
    'policy',
    'see the loaded policy set and try a candidate against history',
    async () => (await import('./commands/policy-command.js')).registerPolicy,
  ),
  entry(
    'freeze',
    'freeze [options]',
    'deny every request of an agent, action, tenant or everyone until unfrozen (kill switch)',
    async () => (await import('./commands/freeze-command.js')).registerFreeze,
  ),
  // Registered by the freeze module along with `freeze`.
  entry(
    'unfreeze',
    'unfreeze [options] <id>',
    'lift a freeze',
    async () => (await import('./commands/freeze-command.js')).registerFreeze,
  ),
]

/** The command `argv` names (`help <command>` names the second word), or undefined. */
export function namedCommand(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.filter((a) => !a.startsWith('-'))
  const name = words[0] === 'help' ? words[1] : words[0]
  return COMMANDS.find((c) => c.name === name)
}

/**
 * Adds to `program` the command `argv` names, loading only its module; when
 * it names none, adds every command as a placeholder that help can list.
 */
export async function registerNamed(
  program: Command,
  argv: readonly string[],
  io: CliIo,
  setExit: (code: number) => void,
): Promise<void> {
  const named = namedCommand(argv)
  if (named) {
    ;(await named.load())(program, io, setExit)
    return
  }
  for (const c of COMMANDS) program.command(c.name).description(c.summary)
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]))
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? cmd.name() })
}
