import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AirlockError } from '../errors/airlock-error.js'
import { ActionRegistry } from './action-registry.js'
import { defineAction } from './define-action.js'
import { loadActions, parseActionYaml } from './load-actions.js'

const FIXTURES = join(import.meta.dirname, 'test-fixtures')

const lookup = defineAction({
  name: 'lookup_order',
  description: 'Look an order up',
  input: z.object({ order_id: z.string() }),
  risk: 'low',
  tags: ['orders', 'read-only'],
  handler: ({ order_id }) => ({ order_id, status: 'shipped' }),
})
const refund = defineAction({
  name: 'issue_refund',
  description: 'Refund an order',
  input: z.object({ order_id: z.string(), amount_cents: z.int() }),
  risk: 'high',
  tags: ['orders', 'payments'],
  handler: () => ({ ok: true }),
})

function thrown(fn: () => unknown): AirlockError {
  try {
    fn()
  } catch (error) {
    if (AirlockError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an AirlockError')
}

describe('ActionRegistry', () => {
  it('finds registered actions by name, and lists them sorted', () => {
    const registry = new ActionRegistry([lookup, refund])
    expect(registry.size).toBe(2)
    expect(registry.has('issue_refund')).toBe(true)
    expect(registry.get('lookup_order')?.description).toBe('Look an order up')
    expect(registry.get('nope')).toBeUndefined()
    expect(registry.list().map((d) => d.name)).toEqual(['issue_refund', 'lookup_order'])
  })

  it('filters by tag and by risk class', () => {
    const registry = new ActionRegistry([lookup, refund])
    expect(registry.listByTag('orders').map((d) => d.name)).toEqual(['issue_refund', 'lookup_order'])
    expect(registry.listByTag('payments').map((d) => d.name)).toEqual(['issue_refund'])
    expect(registry.listByRisk('high').map((d) => d.name)).toEqual(['issue_refund'])
    expect(registry.listByRisk('critical')).toEqual([])
  })

  it('throws ACTION_NOT_FOUND from require() for an unknown name', () => {
    const error = thrown(() => new ActionRegistry().require('drop_tables'))
    expect(error.code).toBe('ACTION_NOT_FOUND')
    expect(error.message).toBe('Unknown action: drop_tables')
  })

  it('refuses a duplicate name, naming both sources', () => {
    const registry = new ActionRegistry()
    registry.register(
      parseActionYaml(
        'a.yaml',
        'name: x\nversion: "1.0.0"\ndescription: d\nrisk_class: low\ntarget_types: [t]\n',
      ),
    )
    const error = thrown(() =>
      registry.register(
        parseActionYaml(
          'b.yaml',
          'name: x\nversion: "1.0.0"\ndescription: d\nrisk_class: high\ntarget_types: [t]\n',
        ),
      ),
    )
    expect(error.code).toBe('ACTION_DUPLICATE')
    expect(error.message).toBe("Duplicate action 'x': defined in a.yaml and in b.yaml")
    expect(registry.require('x').risk).toBe('low')
  })

  it('refuses a code action whose name a YAML action already took', () => {
    const yaml = parseActionYaml(
      'orders.yaml',
      'name: lookup_order\nversion: "1.0.0"\ndescription: d\nrisk_class: low\ntarget_types: [t]\n',
    )
    const error = thrown(() => new ActionRegistry([yaml, lookup]))
    expect(error.message).toBe("Duplicate action 'lookup_order': defined in orders.yaml and in code")
  })

  it('registers a batch all or nothing', () => {
    const registry = new ActionRegistry([lookup])
    const other = defineAction({ name: 'other', description: 'd', input: z.object({}), risk: 'low' })
    expect(() => registry.registerAll([other, lookup])).toThrow("Duplicate action 'lookup_order'")
    expect(registry.has('other')).toBe(false)
    expect(() => registry.registerAll([other, other])).toThrow("Duplicate action 'other'")
    expect(registry.size).toBe(1)
  })

  describe('validateCatalog', () => {
    it('finds nothing wrong in a consistent catalogue', async () => {
      const registry = new ActionRegistry(await loadActions([join(FIXTURES, 'scale-deployment.yaml')]))
      expect(registry.validateCatalog()).toEqual([])
    })

    it('reports a rollback_action that names a missing action, located in its file', async () => {
      const registry = new ActionRegistry(await loadActions([FIXTURES]))
      expect(registry.validateCatalog()).toEqual([
        {
          file: join(FIXTURES, 'ec2-stop-instance.yaml'),
          line: 26,
          column: 18,
          field: 'rollback_action',
          message: "rollback_action 'ec2-start-instance' is not a registered action",
        },
      ])
    })

    it('reports a rollback_action on an irreversible action', () => {
      const registry = new ActionRegistry([
        parseActionYaml(
          'uncordon.yaml',
          'name: uncordon-node\nversion: "1.0.0"\ndescription: d\nparameters: [{name: node, type: string}]\nrisk_class: medium\ntarget_types: [k8s-node]\nreversible: true\nrollback_action: drain-node\n',
        ),
        parseActionYaml(
          'drain.yaml',
          'name: drain-node\nversion: "1.0.0"\ndescription: d\nparameters: [{name: node, type: string}]\nrisk_class: critical\ntarget_types: [k8s-node]\nreversible: false\nrollback_action: uncordon-node\n',
        ),
      ])
      expect(registry.validateCatalog()).toEqual([
        expect.objectContaining({
          file: 'drain.yaml',
          line: 8,
          field: 'rollback_action',
          message: "rollback_action 'uncordon-node' is set but the action is not reversible",
        }),
      ])
    })

    it('reports rollback_params the rollback action does not accept, and rollback_params without a rollback action', () => {
      const registry = new ActionRegistry([
        parseActionYaml(
          'start.yaml',
          'name: start\nversion: "1.0.0"\ndescription: d\nparameters: [{name: id, type: string}]\nrisk_class: low\ntarget_types: [vm]\n',
        ),
        parseActionYaml(
          'stop.yaml',
          'name: stop\nversion: "1.0.0"\ndescription: d\nparameters: [{name: id, type: string}, {name: force, type: boolean}]\nrisk_class: low\ntarget_types: [vm]\nreversible: true\nrollback_action: start\nrollback_params:\n  id: {source: params.id}\n  force: {source: params.force}\n',
        ),
        parseActionYaml(
          'orphan.yaml',
          'name: orphan\nversion: "1.0.0"\ndescription: d\nparameters: [{name: id, type: string}]\nrisk_class: low\ntarget_types: [vm]\nrollback_params:\n  id: {source: params.id}\n',
        ),
      ])
      expect(registry.validateCatalog().map((i) => `${i.file}:${i.line}: ${i.field}: ${i.message}`)).toEqual([
        'orphan.yaml:8: rollback_params: rollback_params is set but there is no rollback_action',
        "stop.yaml:11: rollback_params.force: 'force' is not a parameter of rollback action 'start'",
      ])
    })

    it('reports target types that no known target has, when told which exist', async () => {
      const registry = new ActionRegistry(await loadActions([join(FIXTURES, 'scale-deployment.yaml')]))
      expect(registry.validateCatalog({ target_types: ['k8s-deployment'] })).toEqual([])
      expect(registry.validateCatalog({ target_types: ['k8s-node'] })).toEqual([
        expect.objectContaining({
          field: 'target_types[0]',
          message: "target type 'k8s-deployment' matches no known target",
        }),
      ])
    })

    it('reports problems of code actions against their source', () => {
      const undo = defineAction({
        name: 'undo_it',
        description: 'd',
        input: z.object({}),
        risk: 'low',
        meta: { rollback_action: 'redo_it', reversible: true },
      })
      expect(new ActionRegistry([undo]).validateCatalog()).toEqual([
        {
          file: 'code',
          field: 'rollback_action',
          message: "rollback_action 'redo_it' is not a registered action",
        },
      ])
    })
  })
})
