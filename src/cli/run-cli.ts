/**
 * The `airlock` command line, runnable in-process (`runCli`) for tests and
 * from the binary.
 *
 * @module
 */
import { Command, CommanderError } from 'commander'
import { AirlockError } from '../errors/airlock-error.js'
import { ConfigError } from '../errors/config-error.js'
import type { CliIo } from './cli-io.js'
import { registerNamed } from './command-index.js'
import { ExitCode } from './exit-codes.js'
import { keepHeapSmall } from './small-heap.js'
import { UsageError } from './usage-error.js'
import { VERSION } from './version.js'

/** Runs the CLI with `argv` (without the node and script entries) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Before the command's modules load: the heap grows while they do.
  if (argv[0] === 'audit' && argv[1] === 'verify') keepHeapSmall()
  let exitCode: number = ExitCode.OK
  const setExit = (code: number) => {
    exitCode = code
  }
  const program = new Command('airlock')
    .description('Airlock: decide, hold, run once and audit the actions AI agents take')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
  await registerNamed(program, argv, io, setExit)
  for (const command of program.commands) command.exitOverride()

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    const failure = classify(error)
    if (failure === null) return ExitCode.OK
    // In JSON mode a script reads stdout only, so the error goes there too, as JSON.
    if (argv.includes('--json')) io.stdout.write(`${JSON.stringify({ error: failure.body }, null, 2)}\n`)
    if (failure.message !== null) io.stderr.write(`error: ${failure.message}\n`)
    return failure.code
  }
}

interface Failure {
  readonly code: number
  /** What goes to stderr after `error: `; null when commander already printed it. */
  readonly message: string | null
  readonly body: { code: string; message: string; issues?: unknown }
}

/** The exit code and messages for an error a command threw, or null for --help and --version. */
function classify(error: unknown): Failure | null {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0.
    if (error.exitCode === 0) return null
    return { code: ExitCode.USAGE, message: null, body: { code: 'USAGE', message: commanderText(error) } }
  }
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof UsageError) return { code: ExitCode.USAGE, message, body: { code: 'USAGE', message } }
  if (error instanceof ConfigError || (AirlockError.isInstance(error) && error.code === 'CONFIG_INVALID')) {
    const issues = error instanceof ConfigError ? error.issues : undefined
    return {
      code: ExitCode.CONFIG,
      message,
      body: { code: 'CONFIG_INVALID', message, ...(issues ? { issues } : {}) },
    }
  }
  if (AirlockError.isInstance(error) && (error.code === 'BAD_REQUEST' || error.code === 'INPUT_INVALID')) {
    return { code: ExitCode.USAGE, message, body: { code: error.code, message } }
  }
  const code = AirlockError.isInstance(error) ? error.code : 'RUNTIME'
  return { code: ExitCode.RUNTIME, message, body: { code, message } }
}

function commanderText(error: CommanderError): string {
  return error.message.replace(/^error: /, '')
}
