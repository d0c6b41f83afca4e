/**
 * A witness's memory in a JSON file: the last cosigned size and root per
 * log origin, replaced atomically on every save.
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { WitnessedHead, WitnessState } from './witness.js'

type Heads = Record<string, WitnessedHead>

async function read(path: string): Promise<Heads> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  const json = JSON.parse(text) as unknown
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TypeError(`${path}: expected a JSON object of { size, root } by log origin`)
  }
  return json as Heads
}

/**
 * A {@link WitnessState} kept in `path` (created on the first save).
 *
 * @remarks A save writes a temporary file and renames it over the old one,
 * so a crash leaves either the old state or the new one, never half of it.
 * One witness process per file: concurrent processes would overwrite each
 * other's heads.
 */
export function fileWitnessState(path: string): WitnessState {
  return {
    async load(origin) {
      return (await read(path))[origin] ?? null
    },
    async save(origin, head) {
      const heads = await read(path)
      heads[origin] = { size: head.size, root: head.root }
      await mkdir(dirname(path), { recursive: true })
      const temporary = `${path}.${process.pid}.tmp`
      await writeFile(temporary, `${JSON.stringify(heads, null, 2)}\n`, { mode: 0o600 })
      await rename(temporary, path)
    },
  }
}
