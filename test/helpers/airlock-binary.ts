/**
 * Runs the `airlock` command as a user types it: the built `dist/cli/bin.js`
 * in its own Node.js process. Importing this module builds `dist/` first
 * when it is stale (see test/setup/dist-build.ts), outside any test timeout.
 */
import { execFile } from 'node:child_process'
import { vi } from 'vitest'
import { AIRLOCK_BIN, ensureDistBuilt } from '../setup/dist-build.js'
import type { CliRun } from './capture-cli.js'

await ensureDistBuilt()
// Every command is a Node.js process start, which takes seconds on a busy machine.
vi.setConfig({ testTimeout: 120_000 })

export type { CliRun }
export { AIRLOCK_BIN }

/**
 * The child sees only PATH, HOME and `env`, so nothing from the shell that
 * started the tests (an AIRLOCK_URL, say) changes what a command does.
 */
function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {}
  for (const name of ['PATH', 'HOME', 'TMPDIR'] as const) {
    const value = process.env[name]
    if (value !== undefined) base[name] = value
  }
  return { ...base, ...env }
}

/** Runs `airlock <argv>` in `cwd` and returns its exit code and output. */
export function runAirlock(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [AIRLOCK_BIN, ...argv],
      { cwd, env: childEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0
        if (typeof code === 'number') done({ code, stdout, stderr })
        else fail(error ?? new Error('airlock exited without a code'))
      },
    )
  })
}

/**
 * Runs `airlock <argv>` with its stdout on a pseudo-terminal (util-linux
 * `script`), for output that differs on a terminal. Returns what the
 * terminal showed, with the terminal's CRLF line ends made LF.
 */
export function runAirlockOnTerminal(argv: readonly string[], cwd: string): Promise<CliRun> {
  const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`
  const command = [process.execPath, AIRLOCK_BIN, ...argv].map(quote).join(' ')
  return new Promise((done, fail) => {
    execFile(
      'script',
      ['--quiet', '--return', '--command', command, '/dev/null'],
      { cwd, env: childEnv({ TERM: 'xterm' }), encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0
        if (typeof code === 'number') done({ code, stdout: stdout.replaceAll('\r\n', '\n'), stderr })
        else fail(error ?? new Error('script exited without a code'))
      },
    )
  })
}
