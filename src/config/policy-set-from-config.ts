/**
 * Builds the policy set a configuration names — rules, templates, inventory
 * and action catalogue — and names it by the hash of those files' bytes, so
 * two replicas that read the same files report the same version.
 *
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { PolicyEngine } from '../policy/policy-engine.js'
import { contentHash, createPolicySet, type PolicySet } from '../policy/versioning/policy-set.js'
import { type ConfigSources, loadConfigSources, type SourcePaths } from './load-config-sources.js'

const DATA_FILE = /\.(ya?ml|json)$/i

/** The files under `paths` (a folder's own data files, not recursive); missing ones are skipped. */
async function listFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch(() => null)
    if (info === null) continue
    if (!info.isDirectory()) files.push(path)
    else {
      const names = (await readdir(path)).filter((n) => DATA_FILE.test(n)).sort()
      files.push(...names.map((n) => join(path, n)))
    }
  }
  return files
}

/** The content hash of every file a set is loaded from, and those files (relative to `base`). */
export async function hashSourceFiles(
  paths: SourcePaths,
  base: string,
): Promise<{ hash: string; files: string[] }> {
  const files = await listFiles([
    ...paths.policies,
    ...paths.actions,
    ...paths.modules,
    ...(paths.inventory === null ? [] : [paths.inventory]),
  ])
  const contents = await Promise.all(
    files.map(async (file) => ({ name: relative(base, file), content: await readFile(file) })),
  )
  return { hash: contentHash(contents, paths.default_decision), files: contents.map((c) => c.name) }
}

/** A set from sources already loaded. */
export function policySetFromSources(
  sources: ConfigSources,
  options: {
    default_decision: SourcePaths['default_decision']
    label: string | null
    hash: string
    files: readonly string[]
    now: Date
  },
): PolicySet {
  return createPolicySet({
    engine: new PolicyEngine(sources.rules, { default_decision: options.default_decision }),
    actions: sources.registry,
    targets: sources.inventory ?? { get: () => undefined },
    label: options.label,
    content_hash: options.hash,
    files: options.files,
    loaded_at: options.now,
  })
}

/**
 * Loads, validates and hashes the set `paths` name.
 *
 * @throws ConfigError listing every problem of every file at once, as `airlock validate` does.
 */
export async function loadPolicySet(
  paths: SourcePaths,
  options: { label: string | null; base: string; now?: Date },
): Promise<{ set: PolicySet; sources: ConfigSources }> {
  const [sources, hashed] = await Promise.all([
    loadConfigSources(paths),
    hashSourceFiles(paths, options.base),
  ])
  const set = policySetFromSources(sources, {
    default_decision: paths.default_decision,
    label: options.label,
    hash: hashed.hash,
    files: hashed.files,
    now: options.now ?? new Date(),
  })
  return { set, sources }
}
