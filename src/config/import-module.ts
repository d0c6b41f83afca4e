import { createJiti } from 'jiti'

// One loader per process; the module cache is off so a config or action
// module edited between two loads (tests, `validate` after a fix) is read anew.
let jiti: ReturnType<typeof createJiti> | undefined

/**
 * Imports a JavaScript or TypeScript module by absolute path and returns its
 * namespace (named exports plus `default`), transpiling TypeScript on the fly.
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  jiti ??= createJiti(import.meta.url, { interopDefault: false, moduleCache: false, fsCache: false })
  return (await jiti.import(path)) as Record<string, unknown>
}
