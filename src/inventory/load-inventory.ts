/**
 * Loads the target inventory from YAML in agent-safe's format
 * (`targets: [{id, type, environment, sensitivity, owner?, labels?}]`),
 * strictly and with every error located.
 *
 * @module
 */
import { z } from 'zod'
import type { ConfigIssue } from '../errors/config-error.js'
import { parseYaml, readYamlFile, validateYaml, type YamlSource } from '../internal/yaml-source.js'
import { Inventory } from './inventory.js'
import type { Target } from './target.js'

const required = {
  error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : undefined),
}
const nonEmpty = z.string(required).min(1, 'must not be empty')

const targetSchema = z.strictObject({
  id: nonEmpty,
  type: nonEmpty,
  environment: z.enum(['dev', 'staging', 'prod'], required),
  sensitivity: z.enum(['public', 'internal', 'restricted', 'critical'], required),
  owner: z.string().default(''),
  // Label values are compared as strings by policies; `port: 8080` would never match.
  labels: z
    .record(z.string(), z.string({ error: 'label values must be strings (quote numbers and booleans)' }))
    .default({}),
})

const inventorySchema = z.strictObject({ targets: z.array(targetSchema, required) })

function toInventory(source: YamlSource): Inventory {
  if (typeof source.value !== 'object' || source.value === null || Array.isArray(source.value)) {
    throw source.error([], "an inventory file must be a mapping with a 'targets' list")
  }
  const { targets } = validateYaml(source, inventorySchema)
  const issues: ConfigIssue[] = []
  const first = new Map<string, number>()
  targets.forEach((target, i) => {
    const earlier = first.get(target.id)
    if (earlier === undefined) {
      first.set(target.id, i)
      return
    }
    const pos = source.locate(['targets', earlier, 'id'])
    const where = pos ? `${source.file}:${pos.line}:${pos.column}` : `targets[${earlier}]`
    issues.push(
      source.issue(['targets', i, 'id'], `duplicate target id '${target.id}' (first defined at ${where})`),
    )
  })
  source.check(issues)
  return new Inventory(targets satisfies Target[])
}

/** Parses an inventory from YAML text; `file` names the source in errors. */
export function parseInventoryYaml(file: string, text: string): Inventory {
  return toInventory(parseYaml(file, text))
}

/**
 * Loads an inventory file.
 *
 * @throws ConfigError naming every problem with file, line and column
 * (missing file, unknown keys, bad enums, non-string labels, duplicate ids).
 */
export async function loadInventory(path: string): Promise<Inventory> {
  return toInventory(await readYamlFile(path))
}
