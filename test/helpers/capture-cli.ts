import { runCli } from '../../src/cli/run-cli.js'

/** What one CLI run printed and how it ended. */
export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the `airlock` command in-process in `cwd`, capturing its output. */
export async function captureCli(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env,
  })
  return { code, stdout, stderr }
}
