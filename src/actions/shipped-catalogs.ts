/**
 * The curated action catalogues shipped in the package's `catalog/` folder
 * (`catalog/kubernetes/`, `catalog/aws/`, ...), addressed by folder name.
 *
 * @module
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * This module sits two folders below the package root both in `src/` and in
 * `dist/`, so one relative URL finds `catalog/` from source and from the build.
 */
const CATALOG_ROOT = fileURLToPath(new URL('../../catalog/', import.meta.url))

/** The folder the shipped catalogues live in. */
export function shippedCatalogRoot(): string {
  return CATALOG_ROOT
}

/** Names of the shipped catalogues, sorted (every folder under `catalog/`). */
export function listShippedCatalogs(): string[] {
  let entries: import('node:fs').Dirent[]
  try {
    entries = readdirSync(CATALOG_ROOT, { withFileTypes: true })
  } catch {
    return []
  }
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * The folder of the shipped catalogue `name`, or a message saying which
 * catalogues exist when there is none of that name.
 */
export function resolveShippedCatalog(
  name: string,
): { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly message: string } {
  const available = listShippedCatalogs()
  // A name is a folder name, never a path: '../x' must not escape catalog/.
  if (available.includes(name)) return { ok: true, dir: join(CATALOG_ROOT, name) }
  const list = available.length > 0 ? available.join(', ') : 'none are installed'
  return {
    ok: false,
    message: `unknown catalogue '${name}'; the package ships: ${list} (to load your own folder of action YAML, list it under actions)`,
  }
}
