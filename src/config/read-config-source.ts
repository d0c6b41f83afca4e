/**
 * Reading a config file into a {@link YamlSource}: YAML with positions, or a
 * `.ts` / `.mts` / `.mjs` / `.js` module exporting `defineConfig({...})`.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { extname } from 'node:path'
import { ConfigError } from '../errors/config-error.js'
import { formatFieldPath, readYamlFile, type YamlSource } from '../internal/yaml-source.js'
import { importModule } from './import-module.js'

const YAML = new Set(['.yaml', '.yml'])
const MODULE = new Set(['.ts', '.mts', '.mjs', '.js'])

/** A source without positions, so module configs report errors the same way YAML ones do (minus line numbers). */
function unlocatedSource(file: string, value: unknown): YamlSource {
  const issue = (path: readonly (string | number)[], message: string) => {
    const field = formatFieldPath(path)
    return { file, ...(field ? { field } : {}), message }
  }
  return {
    file,
    value,
    problems: [],
    locate: () => undefined,
    issue,
    error: (path, message) => new ConfigError([issue(path, message)]),
    check: (issues = []) => {
      if (issues.length > 0) throw new ConfigError(issues)
    },
  }
}

async function readModuleConfig(file: string): Promise<YamlSource> {
  let namespace: Record<string, unknown>
  try {
    namespace = await importModule(file)
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new ConfigError([{ file, message: `cannot load: ${message}` }], { cause })
  }
  const value = namespace.default ?? namespace.config
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([{ file, message: 'expected a default export made with defineConfig({...})' }])
  }
  return unlocatedSource(file, value)
}

/** The config in `file` (an absolute path), chosen by its extension; never empty. */
export async function readConfigSource(file: string): Promise<YamlSource> {
  const ext = extname(file).toLowerCase()
  let source: YamlSource
  if (YAML.has(ext)) source = await readYamlFile(file)
  else if (MODULE.has(ext)) {
    if (!existsSync(file)) throw new ConfigError([{ file, message: 'file not found' }])
    source = await readModuleConfig(file)
  } else {
    throw new ConfigError([
      {
        file,
        message: `expected a .yaml, .yml, .ts, .mts, .mjs or .js file, got '${ext || 'no extension'}'`,
      },
    ])
  }
  if (source.value === null || source.value === undefined) {
    throw source.error([], 'the file is empty; expected at least an auth section')
  }
  return source
}
