/**
 * Where paused runs wait: sealed text by key. Memory for one process, a directory for several.
 *
 * @module
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

/**
 * Keeps sealed run states by key (an approval id). Anything with these three
 * methods fits: a Redis hash, a table.
 *
 * @remarks Values arrive sealed; a store never sees a run state in clear.
 */
export interface RunStateStore {
  put(key: string, value: string): Promise<void>
  get(key: string): Promise<string | null>
  delete(key: string): Promise<void>
}

const KEY = /^[A-Za-z0-9_-]{1,128}$/

function checkKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new AirlockError(
      ErrorCode.BAD_REQUEST,
      `Invalid run state key ${JSON.stringify(key)}: expected ${KEY.source}`,
    )
  }
}

/** Run states in this process's memory (tests, or runs that are resumed where they paused). */
export function memoryRunStates(): RunStateStore {
  const values = new Map<string, string>()
  return {
    put: async (key, value) => {
      checkKey(key)
      values.set(key, value)
    },
    get: async (key) => {
      checkKey(key)
      return values.get(key) ?? null
    },
    delete: async (key) => {
      checkKey(key)
      values.delete(key)
    },
  }
}

/**
 * Run states as files in `dir`, one per key, so another process on the same
 * machine (or volume) can resume a run.
 *
 * @remarks Writes go to a temporary file renamed into place, so a reader
 * sees the old value or the new one, never half of one.
 */
export function fileRunStates(dir: string): RunStateStore {
  if (typeof dir !== 'string' || dir === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'fileRunStates needs a directory path')
  }
  const path = (key: string): string => {
    checkKey(key)
    return join(dir, `${key}.sealed`)
  }
  return {
    put: async (key, value) => {
      const target = path(key)
      await mkdir(dir, { recursive: true, mode: 0o700 })
      const temporary = `${target}.${process.pid}.${Date.now()}.tmp`
      await writeFile(temporary, value, { mode: 0o600 })
      await rename(temporary, target)
    },
    get: async (key) => {
      try {
        return await readFile(path(key), 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw error
      }
    },
    delete: async (key) => {
      await rm(path(key), { force: true })
    },
  }
}
