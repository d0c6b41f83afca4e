/**
 * The files `audit verify --key` reads: files as given, and directories of
 * downloaded S3 objects or closed shipped files.
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Expands each directory into its `*.jsonl` files in name order (shipped
 * names are zero-padded seqs, so name order is chain order); open `.part`
 * files and other names are left out. Files are kept as given.
 *
 * @remarks Rejects when a path cannot be read or a directory holds no
 * `.jsonl` file.
 */
export async function shippedPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = []
  for (const path of paths) {
    if (!(await stat(path)).isDirectory()) {
      out.push(path)
      continue
    }
    const names = (await readdir(path)).filter((name) => name.endsWith('.jsonl')).sort()
    if (names.length === 0) throw new Error(`${path} holds no .jsonl file`)
    out.push(...names.map((name) => join(path, name)))
  }
  return out
}
