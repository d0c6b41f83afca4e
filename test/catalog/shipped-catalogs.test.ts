import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listShippedCatalogs } from '../../src/actions/shipped-catalogs.js'
import { loadConfig } from '../../src/config/load-config.js'
import { loadConfigSources } from '../../src/config/load-config-sources.js'
import { ConfigError } from '../../src/errors/config-error.js'
import { executionSpecOf } from '../../src/executors/execution-spec.js'
import { captureCli } from '../helpers/capture-cli.js'

const SHIPPED = listShippedCatalogs()
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-catalogs-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function configFile(catalogs: readonly string[]): Promise<string> {
  const file = join(dir, 'airlock.config.yaml')
  await writeFile(
    file,
    `store: memory\ncatalogs: [${catalogs.join(', ')}]\nauth:\n  anonymous: true\ndashboard: { enabled: false }\n`,
  )
  return file
}

describe('shipped catalogues', () => {
  it('ships the kubernetes catalogue with its 20 actions', async () => {
    expect(SHIPPED).toContain('kubernetes')
    const sources = await loadConfigSources(await loadConfig(await configFile(['kubernetes'])))
    const names = sources.registry.list().map((a) => a.name)
    expect(names).toHaveLength(20)
    expect(names).toEqual(
      expect.arrayContaining([
        'scale-deployment',
        'drain-node',
        'delete-namespace',
        'exec-pod',
        'port-forward',
      ]),
    )
    for (const action of sources.registry.list()) {
      expect(action.meta).toMatchObject({ credentials: { type: 'kubernetes' } })
      expect(executionSpecOf(action.meta)?.executor).toBe('kubernetes')
    }
  })

  it.each(SHIPPED)('loads and cross-checks the %s catalogue', async (name) => {
    const sources = await loadConfigSources(await loadConfig(await configFile([name])))
    expect(sources.registry.size).toBeGreaterThan(0)
  })

  it('loads every shipped catalogue together, with no name defined twice', async () => {
    const sources = await loadConfigSources(await loadConfig(await configFile(SHIPPED)))
    expect(sources.registry.size).toBeGreaterThanOrEqual(20)
  })

  it('names the unknown catalogue, its position and the ones that exist', async () => {
    const error = await loadConfig(await configFile(['kubernetes', 'kubernetse'])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ field: 'catalogs[1]', line: 2 })
    expect(issues[0]!.message).toContain("unknown catalogue 'kubernetse'")
    expect(issues[0]!.message).toContain(SHIPPED.join(', '))
  })

  it('refuses a path in place of a catalogue name', async () => {
    const error = await loadConfig(await configFile(['../catalog/kubernetes'])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toContain("unknown catalogue '../catalog/kubernetes'")
  })

  it('airlock validate --config reports the shipped catalogues clean', async () => {
    await configFile(SHIPPED)
    const run = await captureCli(['validate', '--config', 'airlock.config.yaml', '--json'], dir)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true })
    expect(JSON.parse(run.stdout).actions).toBeGreaterThanOrEqual(20)
  })
})
