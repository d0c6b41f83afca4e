import { describe, expect, it } from 'vitest'
import { AirlockError } from '../errors/airlock-error.js'
import { Inventory } from './inventory.js'
import type { Target } from './target.js'

const target = (id: string, type: string, environment: Target['environment']): Target => ({
  id,
  type,
  environment,
  sensitivity: 'internal',
  owner: '',
  labels: {},
})

const inventory = new Inventory([
  target('prod/api', 'k8s-deployment', 'prod'),
  target('prod/node-1', 'k8s-node', 'prod'),
  target('dev/app', 'k8s-deployment', 'dev'),
])

describe('Inventory', () => {
  it('looks targets up by exact id', () => {
    expect(inventory.get('prod/api')?.type).toBe('k8s-deployment')
    expect(inventory.get('PROD/api')).toBeUndefined()
    expect(inventory.has('dev/app')).toBe(true)
    expect(inventory.size).toBe(3)
  })

  it('lists targets in inventory order, by environment and by type', () => {
    expect(inventory.list().map((t) => t.id)).toEqual(['prod/api', 'prod/node-1', 'dev/app'])
    expect(inventory.listByEnvironment('prod').map((t) => t.id)).toEqual(['prod/api', 'prod/node-1'])
    expect(inventory.listByEnvironment('staging')).toEqual([])
    expect(inventory.listByType('k8s-deployment').map((t) => t.id)).toEqual(['prod/api', 'dev/app'])
    expect(inventory.types()).toEqual(['k8s-deployment', 'k8s-node'])
  })

  it('refuses two targets with the same id', () => {
    const build = () => new Inventory([target('a', 't', 'dev'), target('a', 't', 'prod')])
    expect(build).toThrow('Duplicate target id: a')
    expect(build).toThrow(AirlockError)
  })

  it('is not changed by later edits to the objects it was built from', () => {
    const labels: Record<string, string> = { app: 'x' }
    const source = { ...target('t', 'k8s-pod', 'dev'), labels }
    const inv = new Inventory([source])
    labels.app = 'changed'
    expect(inv.get('t')?.labels).toEqual({ app: 'x' })
  })
})
