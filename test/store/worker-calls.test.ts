import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const SCRIPT = fileURLToPath(new URL('./workers/stop-during-call.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('worker calls', () => {
  it('keeps the process alive until a thread stopped with a call in flight has exited', async () => {
    // The SQLite writer and checkpoint threads are stopped so when a store closes:
    // a process that exited before `close()` resolved would skip the rest of its shutdown.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'jiti/register', SCRIPT], {
      cwd: ROOT,
    })
    expect(stdout).toBe('stopped answered\n')
  }, 60_000)
})
