/**
 * The `catalogs` section: names of shipped action catalogues.
 *
 * @module
 */
import { resolveShippedCatalog } from '../actions/shipped-catalogs.js'
import { ConfigError, type ConfigIssue } from '../errors/config-error.js'
import type { YamlSource } from '../internal/yaml-source.js'

/** Shipped catalogue names → their folders, loaded before the project's own actions. */
export function resolveCatalogs(source: YamlSource, catalogs: readonly string[]): string[] {
  const issues: ConfigIssue[] = []
  const dirs: string[] = []
  for (const [i, name] of catalogs.entries()) {
    const found = resolveShippedCatalog(name)
    if (found.ok) dirs.push(found.dir)
    else issues.push(source.issue(['catalogs', i], found.message))
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return dirs
}
