/**
 * Runs a CLI command against a backend (a store or a gateway) it opens and
 * always closes, turning refusals and gateway trouble into exit codes.
 *
 * @module
 */
import { type CliIo, paint, RED } from './cli-io.js'
import { ExitCode } from './exit-codes.js'
import { GatewayError, RefusedError } from './gateway-client.js'

/**
 * Opens the backend, sets the exit code `work` returns, and closes the
 * backend whatever happens: a refusal exits 1, an unreachable or failing
 * gateway 5; anything else propagates to the CLI's own error handling.
 */
export async function withBackend<B extends { close(): Promise<void> }>(
  io: CliIo,
  setExit: (code: number) => void,
  open: () => Promise<B>,
  work: (backend: B) => Promise<number>,
): Promise<void> {
  let backend: B | undefined
  try {
    backend = await open()
    setExit(await work(backend))
  } catch (error) {
    if (error instanceof RefusedError) {
      io.stderr.write(`${paint(io, RED, 'refused')}: ${error.message} (${error.code})\n`)
      setExit(ExitCode.FAILED)
    } else if (error instanceof GatewayError) {
      io.stderr.write(`error: ${error.message}\n`)
      setExit(ExitCode.RUNTIME)
    } else throw error
  } finally {
    await backend?.close()
  }
}
