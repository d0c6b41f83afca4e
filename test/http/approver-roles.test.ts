/**
 * Who may approve when a library user wires `createAirlock()` and
 * `createHttpApp()` themselves and configures no approver roles.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock, OPEN_APPROVAL_WARNING } from '../../src/airlock.js'
import { createHttpApp } from '../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import { allowAll } from '../../src/policy/rules/index.js'

const KEY = { a: generateApiKey(), b: generateApiKey(), lead: generateApiKey() }

function gateway(approvals?: { approver_roles?: readonly string[] }) {
  const runs: unknown[] = []
  const wire = defineAction({
    name: 'wire',
    description: 'Send money',
    input: z.object({ amount: z.number() }),
    risk: 'high',
    approval_required: true,
    handler: (input) => {
      runs.push(input)
      return { sent: input.amount }
    },
  })
  const airlock = createAirlock({
    actions: [wire],
    policies: [allowAll()],
    ...(approvals ? { approvals } : {}),
  })
  const auth = apiKeyAuth({
    keys: [
      { id: 'a', sha256: hashApiKey(KEY.a), actor_id: 'agent-a' },
      { id: 'b', sha256: hashApiKey(KEY.b), actor_id: 'agent-b' },
      { id: 'lead', sha256: hashApiKey(KEY.lead), actor_id: 'lead', roles: ['approver'] },
    ],
  })
  return { runs, app: createHttpApp(airlock, { auth }) }
}

async function holdWire(app: ReturnType<typeof createHttpApp>): Promise<string> {
  const res = await app.request('/actions/wire/execute', {
    method: 'POST',
    headers: { 'x-api-key': KEY.a, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: { amount: 10 } }),
  })
  expect(res.status).toBe(202)
  return ((await res.json()) as { approval_id: string }).approval_id
}

function approveAs(app: ReturnType<typeof createHttpApp>, key: string, id: string) {
  return app.request(`/approvals/${id}/approve`, { method: 'POST', headers: { 'x-api-key': key } })
}

const warnings: Error[] = []
const onWarning = (w: Error) => warnings.push(w)
afterEach(() => {
  process.off('warning', onWarning)
  warnings.length = 0
})

describe('approver roles of a library-built gateway', () => {
  it('refuses another agent without the approver role, and the request does not run', async () => {
    const { runs, app } = gateway()
    const id = await holdWire(app)
    const res = await approveAs(app, KEY.b, id)
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'APPROVER_NOT_ALLOWED' })
    expect(runs).toEqual([])
  })

  it('lets a holder of the approver role approve, and the request runs', async () => {
    const { runs, app } = gateway()
    const id = await holdWire(app)
    const res = await approveAs(app, KEY.lead, id)
    expect(res.status).toBe(200)
    expect(runs).toEqual([{ amount: 10 }])
  })

  it('accepts an explicitly empty role list, with a warning at start', async () => {
    process.on('warning', onWarning)
    const { runs, app } = gateway({ approver_roles: [] })
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toContain(OPEN_APPROVAL_WARNING)
    const id = await holdWire(app)
    expect((await approveAs(app, KEY.b, id)).status).toBe(200)
    expect(runs).toEqual([{ amount: 10 }])
  })

  it('says nothing at start when roles are left to the default', async () => {
    process.on('warning', onWarning)
    gateway()
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings).toEqual([])
  })
})
