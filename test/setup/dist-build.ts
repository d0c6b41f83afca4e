/**
 * Keeps `dist/` current for the tests that run the built `airlock` binary.
 *
 * Building takes tens of seconds, so it happens only when a test that needs
 * the binary is in the run, and only when `dist/` is missing or older than
 * any build input. Several vitest workers (or several vitest runs) may ask at
 * once: a lock directory makes exactly one of them build while the others
 * wait, and the waiters then find `dist/` current and build nothing.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')
/** The file the `bin` entry of package.json points at. */
export const AIRLOCK_BIN = join(ROOT, 'dist/cli/bin.js')
const BUILD_INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json']
const WAIT_STEP_MS = 200
const WAIT_LIMIT_MS = 10 * 60_000

/** Thrown when `tsc -p tsconfig.build.json` fails; carries the compiler's output. */
export class DistBuildError extends Error {
  override readonly name = 'DistBuildError'
}

/** The newest modification time among the build inputs (tests excluded, as tsconfig.build.json does). */
function newestInput(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return /\.test(-d)?\.ts$/.test(path) ? 0 : stat.mtimeMs
  let newest = stat.mtimeMs // a deleted file shows up as a newer folder
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestInput(join(path, entry)))
  return newest
}

/** Why `dist/` must be rebuilt, or `undefined` when it is current. */
export function distStaleness(root = ROOT): string | undefined {
  const bin = join(root, 'dist/cli/bin.js')
  let built: number
  try {
    built = statSync(bin).mtimeMs
  } catch {
    return `${bin} is missing`
  }
  const newest = Math.max(...BUILD_INPUTS.map((input) => newestInput(join(root, input))))
  return newest > built ? 'a source file is newer than dist/' : undefined
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the lock directory; clears a lock whose owner process has died. Returns false while another holds it. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock)
    writeFileSync(join(lock, 'pid'), String(process.pid))
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  let owner = Number.NaN
  try {
    owner = Number(readFileSync(join(lock, 'pid'), 'utf8'))
  } catch {
    // The owner has made the directory but not yet written its pid.
  }
  if (Number.isInteger(owner) && !alive(owner)) rmSync(lock, { recursive: true, force: true })
  return false
}

function build(root: string): void {
  const tsc = join(root, 'node_modules/typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  })
  if (result.status === 0) return
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`.trim()
  throw new DistBuildError(
    `The CLI tests run the built binary, and building it failed (tsc -p tsconfig.build.json exited ${result.status ?? result.signal}). ` +
      `Fix the errors below, or run \`npm run build\` to see them:\n${output}`,
  )
}

/**
 * Rebuilds `dist/` when it is stale, under a lock shared by every process testing this checkout.
 *
 * @remarks When several processes call it at once on a stale checkout, exactly one builds (and
 * resolves `true`); the others wait for it and resolve `false`. A failed build rejects with
 * {@link DistBuildError} in the process that built; the next caller tries again.
 */
export async function ensureDistBuilt(root = ROOT): Promise<boolean> {
  if (distStaleness(root) === undefined) return false
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16)
  const lock = join(tmpdir(), `airlock-dist-build-${key}.lock`)
  const deadline = Date.now() + WAIT_LIMIT_MS
  while (!tryLock(lock)) {
    if (Date.now() > deadline)
      throw new Error(`Gave up waiting for another build of ${root}/dist (lock ${lock})`)
    await new Promise((done) => setTimeout(done, WAIT_STEP_MS))
  }
  try {
    if (distStaleness(root) === undefined) return false
    build(root)
    return true
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
