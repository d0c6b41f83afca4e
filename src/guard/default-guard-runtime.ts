/**
 * The embedded default: a SQLite file and a seal key beside it, so a guarded
 * call's approval survives a restart and can be decided from another process.
 *
 * @module
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadSealKeyFile } from '../config/seal-key-file.js'
import { openStore } from '../store/open-store.js'
import { createGuardRuntime, type GuardRuntime } from './guard-runtime.js'
import { guardStateDir } from './guard-state-dir.js'

const opened = new Map<string, Promise<GuardRuntime>>()

/**
 * The guard runtime over `<dir>/airlock.db` and `<dir>/seal.key` (default
 * the user's state folder, see {@link guardStateDir}), opened once per process
 * and migrated. Nothing is created until the first guarded call asks for it;
 * then the folder is made 0700. The key file is made once (mode 0600) and
 * shared by every process using the folder.
 */
export function defaultGuardRuntime(dir: string = guardStateDir()): Promise<GuardRuntime> {
  const root = resolve(dir)
  let runtime = opened.get(root)
  if (!runtime) {
    runtime = (async () => {
      mkdirSync(root, { recursive: true, mode: 0o700 })
      // Same file and key id as a config's `seal: { key_file: <dir>/seal.key }`, so the CLI and gateway can open these approvals.
      const seal = await loadSealKeyFile(join(root, 'seal.key'), 'k1')
      const store = await openStore(`sqlite:${join(root, 'airlock.db')}`)
      await store.migrate()
      return createGuardRuntime({ store, seal })
    })()
    opened.set(root, runtime)
    void runtime.catch(() => opened.delete(root))
  }
  return runtime
}

/** Forgets the cached runtime of `dir` after closing it (for tests and orderly shutdown). */
export async function closeDefaultGuardRuntime(dir: string = guardStateDir()): Promise<void> {
  const root = resolve(dir)
  const runtime = opened.get(root)
  opened.delete(root)
  if (runtime) await (await runtime).close()
}
