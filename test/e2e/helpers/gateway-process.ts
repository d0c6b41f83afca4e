/**
 * `airlock serve` as a real child process on a free port, for end-to-end
 * tests. Every process started here is stopped by pid (see {@link stopAll}).
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** How the CLI is started from source: the same runner `npm start` uses. */
export const CLI = [process.execPath, '--import', 'jiti/register', 'src/cli/bin.ts'] as const

// The machine may be busy (transpiling the CLI from source takes a while): be patient, but not forever.
const START_TIMEOUT_MS = 120_000

export interface GatewayProcess {
  readonly url: string
  readonly pid: number
  stdout(): string
  stderr(): string
  /** The JSON log lines written so far. */
  logs(): Record<string, unknown>[]
  /** Sends `signal` (default SIGTERM) and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()

/** The complete JSON lines of a log written so far. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** Starts `airlock serve` with `args` after `serve` (add `--port 0`) and waits until it prints its address. */
export function startGateway(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const [, ...cli] = CLI
  return startNode([...cli, 'serve', ...args], env)
}

/** Starts `node <args>` in the repository root and waits until it logs `listening on <url>` (a JSON line on stdout). */
export async function startNode(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s))
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  })

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`airlock serve did not start within ${START_TIMEOUT_MS} ms\n${err}\n${out}`))
    }, START_TIMEOUT_MS)
    const check = () => {
      const listening = jsonLines(out).find(
        (l) => typeof l.msg === 'string' && l.msg.startsWith('listening on'),
      )
      if (typeof listening?.url === 'string') {
        clearTimeout(timer)
        resolve(listening.url)
      }
    }
    child.stdout?.on('data', check)
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`airlock serve exited with ${code} before listening\n${err}\n${out}`))
    })
  })

  const pid = child.pid
  if (pid === undefined) throw new Error('no pid')
  return {
    url,
    pid,
    stdout: () => out,
    stderr: () => err,
    logs: () => jsonLines(out),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal)
      return (await exited).code
    },
    exited,
  }
}

/** Kills (by pid) every gateway still running: for afterAll, so no test leaves one behind. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM')
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
      }, 15_000)
      await gone
      clearTimeout(timer)
    }),
  )
}

/** A small HTTP client bound to a gateway and an API key. */
export function client(url: string, key?: string) {
  return async (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; type: string; body: Record<string, unknown> }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    }
  }
}
