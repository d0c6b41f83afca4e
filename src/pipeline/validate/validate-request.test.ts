import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../actions/define-action.js'
import type { Target } from '../../inventory/target.js'
import { validateRequest } from './validate-request.js'

const drain = defineAction({
  name: 'drain_node',
  description: 'Drains a node',
  input: z.object({ grace_s: z.number().int().default(30), reason: z.string().trim() }),
  risk: 'medium',
  target_types: ['k8s-node'],
  handler: () => null,
})

function target(type: string): Target {
  return { id: 'prod/web-1', type, environment: 'prod', sensitivity: 'internal', owner: 'ops', labels: {} }
}

describe('validateRequest', () => {
  it('hands on the schema output: defaults filled in, transforms applied', () => {
    const result = validateRequest(drain, { reason: '  kernel update ' }, target('k8s-node'))
    expect(result).toEqual({ ok: true, inputs: { grace_s: 30, reason: 'kernel update' } })
  })

  it('names every field at fault, with its path, and does not pass inputs on', () => {
    const result = validateRequest(drain, { grace_s: 'soon' }, undefined)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.stage).toBe('validate')
    expect(result.inputs).toBeUndefined()
    expect(result.issues.map((i) => i.path.join('.')).sort()).toEqual(['grace_s', 'reason'])
    expect(result.reason).toMatch(/^Invalid parameters: /)
  })

  it('refuses a target of a type the action does not take, after the inputs passed', () => {
    const result = validateRequest(drain, { reason: 'x' }, target('k8s-deployment'))
    expect(result).toMatchObject({ ok: false, stage: 'target', issues: [], inputs: { grace_s: 30 } })
    if (!result.ok) expect(result.reason).toContain('expects k8s-node')
  })

  it('leaves a target the inventory does not know to the policy', () => {
    expect(validateRequest(drain, { reason: 'x' }, undefined).ok).toBe(true)
  })
})
