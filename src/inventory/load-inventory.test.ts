import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import { loadInventory, parseInventoryYaml } from './load-inventory.js'

const EXAMPLE = join(import.meta.dirname, '../../examples/infra/inventory.yaml')

const BASE = `targets:
  - id: prod/api-server
    type: k8s-deployment
    environment: prod
    sensitivity: critical
    owner: platform-team
    labels:
      app: api-server
  - id: dev/test-app
    type: k8s-deployment
    environment: dev
    sensitivity: public
`

function loadError(text: string): string[] {
  try {
    parseInventoryYaml('inv.yaml', text)
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.issues.map(
        (i) => `${i.file}:${i.line ?? '?'}:${i.column ?? '?'}: ${i.field ? `${i.field}: ` : ''}${i.message}`,
      )
    }
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('loadInventory', () => {
  it('loads targets with owner and labels defaulted', () => {
    const inventory = parseInventoryYaml('inv.yaml', BASE)
    expect(inventory.get('prod/api-server')).toEqual({
      id: 'prod/api-server',
      type: 'k8s-deployment',
      environment: 'prod',
      sensitivity: 'critical',
      owner: 'platform-team',
      labels: { app: 'api-server' },
    })
    expect(inventory.get('dev/test-app')).toMatchObject({ owner: '', labels: {} })
  })

  it('loads the example inventory', async () => {
    const inventory = await loadInventory(EXAMPLE)
    expect(inventory.size).toBe(12)
    expect(inventory.listByEnvironment('prod').map((t) => t.id)).toEqual([
      'prod/api-server',
      'prod/web-frontend',
      'prod/worker-node-01',
      'prod/payments-ns',
      'prod/api-instance',
      'prod/payment-processor',
      'prod/audit-bucket',
    ])
    expect(inventory.get('prod/worker-node-01')).toMatchObject({
      type: 'k8s-node',
      labels: { zone: 'us-east-1a' },
    })
  })

  describe('errors name file, line and column', () => {
    it.each([
      [
        'a duplicate id, naming the first',
        BASE.replace('id: dev/test-app', 'id: prod/api-server'),
        "inv.yaml:9:9: targets[1].id: duplicate target id 'prod/api-server' (first defined at inv.yaml:2:9)",
      ],
      [
        'a label that is not a string',
        BASE.replace('app: api-server', 'port: 8080'),
        'inv.yaml:8:13: targets[0].labels.port: label values must be strings (quote numbers and booleans)',
      ],
      [
        'an unknown environment',
        BASE.replace('environment: dev', 'environment: qa'),
        "inv.yaml:11:18: targets[1].environment: 'qa' is not allowed; expected one of dev, staging, prod",
      ],
      [
        'an unknown sensitivity',
        BASE.replace('sensitivity: public', 'sensitivity: secret'),
        "inv.yaml:12:18: targets[1].sensitivity: 'secret' is not allowed; expected one of public, internal, restricted, critical",
      ],
      [
        'an unknown target key',
        BASE.replace('    owner: platform-team\n', '    ownr: platform-team\n'),
        "inv.yaml:6:11: targets[0].ownr: unknown key 'ownr' (did you mean 'owner'?)",
      ],
      [
        'an unknown top-level key',
        `${BASE}hosts: []\n`,
        "inv.yaml:13:8: hosts: unknown key 'hosts'; allowed here: targets",
      ],
      [
        'a missing type',
        BASE.replace('    type: k8s-deployment\n    environment: dev', '    environment: dev'),
        "inv.yaml:9:5: targets[1].type: missing required key 'type'",
      ],
      ['a missing targets list', 'target: []\n', "inv.yaml:1:1: targets: missing required key 'targets'"],
      [
        'targets that are not a list',
        'targets: {}\n',
        'inv.yaml:1:10: targets: expected array, got object ({})',
      ],
      [
        'a list instead of a mapping',
        '- id: x\n',
        "inv.yaml:1:1: an inventory file must be a mapping with a 'targets' list",
      ],
      [
        'a YAML syntax error',
        'targets: [\n',
        'inv.yaml:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ])('%s', (_label, text, expected) => {
      expect(loadError(text)[0]).toBe(expected)
    })

    it('reports a missing file as a ConfigError', async () => {
      await expect(loadInventory('/nonexistent/inventory.yaml')).rejects.toThrow(
        '/nonexistent/inventory.yaml: file not found',
      )
    })
  })
})
