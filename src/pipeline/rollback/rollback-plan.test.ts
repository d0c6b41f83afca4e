import { describe, expect, it } from 'vitest'
import type { ActionDefinition } from '../../actions/action-definition.js'
import { parseActionYaml } from '../../actions/load-actions.js'
import type { AuditEvent } from '../../audit/audit-event.js'
import { planRollback } from './rollback-plan.js'

const setSize = (extra: string) =>
  parseActionYaml(
    'set-size.yaml',
    `name: set-size
version: "1.0.0"
description: Sets the size of a pool
risk_class: low
target_types: [host]
parameters:
  - name: pool
    type: string
    required: true
  - name: size
    type: integer
    required: true
state_fields:
  - name: size
reversible: true
rollback_action: set-size
${extra}`,
  )

function event(state_before: Record<string, unknown> | null): AuditEvent {
  return {
    id: 'evt-0123456789abcdef01234567',
    status: 'executed',
    action: 'set-size',
    target: 'pool-a',
    context: state_before === null ? null : { execution: { state_before } },
  } as unknown as AuditEvent
}

const lookup = (action: ActionDefinition) => (name: string) => (name === action.name ? action : undefined)

describe('planRollback', () => {
  it('fills parameters by name from the state before, then the params, and warns (convention)', () => {
    const action = setSize('')
    const plan = planRollback({ event: event({ size: 3 }), params: { pool: 'a', size: 9 } }, lookup(action))
    expect(plan).toMatchObject({
      params: { pool: 'a', size: 3 },
      sources: { pool: 'params.pool', size: 'before_state.size' },
      target: 'pool-a',
      runnable: true,
    })
    expect(plan.warnings.join()).toContain('no rollback_params')
  })

  it('is not runnable when a value was redacted or never recorded', () => {
    const action = setSize(`rollback_params:
  pool: { source: params.pool }
  size: { source: before_state.size }
`)
    const masked = planRollback(
      { event: event({ size: 3 }), params: { pool: '**REDACTED**' } },
      lookup(action),
    )
    expect(masked.runnable).toBe(false)
    expect(masked.warnings.join()).toContain("'pool' cannot be restored: params.pool was redacted")
    const unrecorded = planRollback({ event: event(null), params: { pool: 'a' } }, lookup(action))
    expect(unrecorded.runnable).toBe(false)
    expect(unrecorded.warnings).toContain("'size' has no value: before_state.size was not recorded")
  })

  it('refuses an event that did not execute', () => {
    const action = setSize('')
    expect(() =>
      planRollback({ event: { ...event({}), status: 'denied' }, params: {} }, lookup(action)),
    ).toThrow(/only an executed run can be undone/)
  })
})
