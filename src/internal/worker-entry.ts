/**
 * Where a worker thread's code is, next to the module that starts it.
 *
 * @module
 */

/** A worker's module URL and the Node flags it needs. */
export interface WorkerEntry {
  readonly url: URL
  readonly execArgv: string[] | undefined
}

/**
 * The worker module `name` beside `from` (the caller's `import.meta.url`):
 * `.js` once built, or `.ts` when the sources run directly (tests, the
 * bench), where the thread needs the same TypeScript loader.
 */
export function workerEntry(from: string, name: string): WorkerEntry {
  const fromSource = from.endsWith('.ts')
  const url = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, from)
  return { url, execArgv: fromSource ? ['--import', 'jiti/register'] : undefined }
}
