/**
 * Runs one program with an argv array, no shell, in its own process group,
 * with a bounded amount of output kept.
 *
 * @module
 */
import { spawn } from 'node:child_process'

/** How a process ended. `stdout`/`stderr` hold at most `max_output_bytes` each. */
export interface ProcessResult {
  readonly exit_code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
  readonly truncated: boolean
  /** The process could not be started (program not found, not executable). */
  readonly spawn_error: string | null
  readonly aborted: boolean
}

export interface RunProcessOptions {
  readonly env: Readonly<Record<string, string>>
  readonly max_output_bytes: number
  readonly signal: AbortSignal
}

function collector(limit: number) {
  const chunks: Buffer[] = []
  let size = 0
  let truncated = false
  return {
    push(chunk: Buffer) {
      if (size >= limit) {
        truncated = true
        return
      }
      const room = limit - size
      if (chunk.length > room) truncated = true
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
      chunks.push(kept)
      size += kept.length
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    truncated: () => truncated,
  }
}

/**
 * Spawns `argv[0]` with `argv.slice(1)` as its arguments, exactly as given.
 *
 * @remarks The child leads a new process group; on abort the whole group
 * gets SIGKILL, so a program that forked helpers does not leave them behind.
 * Never rejects: failures to start are a result.
 */
export function runProcess(argv: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const out = collector(options.max_output_bytes)
    const err = collector(options.max_output_bytes)
    let aborted = false
    let spawn_error: string | null = null
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      detached: true,
      env: { ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const kill = () => {
      aborted = true
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    if (options.signal.aborted) kill()
    else options.signal.addEventListener('abort', kill, { once: true })
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    let settled = false
    const finish = (code: number | null, signal: string | null) => {
      if (settled) return
      settled = true
      options.signal.removeEventListener('abort', kill)
      resolve({
        exit_code: code,
        signal,
        stdout: out.text(),
        stderr: err.text(),
        truncated: out.truncated() || err.truncated(),
        spawn_error,
        aborted,
      })
    }
    child.on('error', (error) => {
      spawn_error = error.message
      // A process that never started emits no 'close' on every platform.
      if (child.pid === undefined) finish(null, null)
    })
    child.on('close', (code, signal) => finish(code, signal))
  })
}
