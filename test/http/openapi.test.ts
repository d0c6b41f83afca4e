import { describe, expect, it } from 'vitest'
import { call, KEYS, makeAirlock, makeApp } from './fixtures.js'

type Operation = {
  operationId: string
  security?: unknown[]
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> }
  responses: Record<string, { content?: Record<string, unknown> }>
}

async function document(options: Parameters<typeof makeApp>[1] = {}) {
  const res = await call(makeApp(makeAirlock(), options), 'GET', '/openapi.json')
  expect(res.status).toBe(200)
  return res.json as {
    openapi: string
    servers: { url: string }[]
    paths: Record<string, Record<string, Operation>>
  }
}

describe('GET /openapi.json', () => {
  it('documents every route as OpenAPI 3.1 with unique operation ids', async () => {
    const doc = await document()
    expect(doc.openapi).toBe('3.1.0')
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    )
    expect(operations.sort()).toEqual(
      [
        'GET /health health',
        'GET /ready ready',
        'GET /openapi.json openapi',
        'GET /actions listActions',
        'POST /actions/{name}/execute executeAction',
        'POST /check check',
        'POST /check-plan checkPlan',
        'GET /approvals listApprovals',
        'GET /approvals/{id} getApproval',
        'POST /approvals/{id}/approve approve',
        'POST /approvals/{id}/reject reject',
        'GET /audit listAudit',
        'GET /audit/checkpoint latestCheckpoint',
        'GET /audit/checkpoints listCheckpoints',
        'GET /audit/consistency auditConsistency',
        'GET /audit/events/{id}/proof auditEventProof',
        'GET /audit/verify verifyAudit',
        'GET /policy getPolicy',
        'GET /policy/shadow/report getShadowReport',
        'GET /policy/shadow/history getShadowHistory',
        'GET /audit/{id} getAuditEvent',
        'POST /audit/{id}/rollback rollback',
        'GET /freeze listFreezes',
        'POST /freeze freeze',
        'POST /unfreeze unfreeze',
      ].sort(),
    )
  })

  it('matches the routes the app serves: no documented route is missing', async () => {
    const app = makeApp(makeAirlock())
    const doc = await document()
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const concrete = path.replace('{name}', 'get_invoice').replace('{id}', `apr-${'0'.repeat(24)}`)
        const res = await call(app, method.toUpperCase(), concrete, {
          key: KEYS.carol,
          ...(method === 'post' ? { body: {} } : {}),
        })
        expect(
          [404, 405].includes(res.status) &&
            ['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes(res.json.code as string),
          `${method} ${path}`,
        ).toBe(false)
      }
    }
  })

  it('derives request schemas from the validators: strict bodies, bounded limits, headers', async () => {
    const doc = await document({ max_page_size: 25 })
    const execute = doc.paths['/actions/{name}/execute']?.post
    const body = execute?.requestBody?.content['application/json']?.schema
    expect(execute?.requestBody?.required).toBe(true)
    expect(body).toMatchObject({ type: 'object', required: ['inputs'], additionalProperties: false })
    expect(execute?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'name', in: 'path', required: true }),
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
      ]),
    )
    const limit = doc.paths['/audit']?.get?.parameters.find((p) => p.name === 'limit')
    expect(limit).toMatchObject({ in: 'query', required: false })
    expect(JSON.stringify(limit)).toContain('1 to 25')
    expect(doc.paths['/approve']).toBeUndefined()
    expect(doc.paths['/approvals/{id}/approve']?.post?.requestBody?.required).toBe(false)
  })

  it('documents problem+json errors and public routes without security', async () => {
    const doc = await document()
    expect(doc.paths['/health']?.get?.security).toEqual([])
    expect(doc.paths['/actions']?.get?.security).toBeUndefined()
    const responses = doc.paths['/actions/{name}/execute']?.post?.responses ?? {}
    expect(Object.keys(responses).sort()).toEqual([
      '200',
      '202',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '500',
      '503',
    ])
    expect(Object.keys(responses['422']?.content ?? {})).toEqual(['application/problem+json'])
    expect(Object.keys(responses['200']?.content ?? {})).toEqual(['application/json'])
  })

  it('names the mount point as the server', async () => {
    const res = await call(makeApp(makeAirlock(), { base_path: '/airlock' }), 'GET', '/airlock/openapi.json')
    expect((res.json as { servers: unknown }).servers).toEqual([{ url: '/airlock' }])
  })
})
