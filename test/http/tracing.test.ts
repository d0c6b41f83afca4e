/**
 * OpenTelemetry traces of the HTTP API: a request carrying a W3C
 * `traceparent` gets a server span in that trace, with one child span per
 * pipeline stage, and no inputs or credentials in any attribute. Spans are
 * collected by the SDK's in-memory exporter.
 */
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { createHttpApp } from '../../src/http/create-http-app.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'
import { apiKeyAuth } from '../../src/identity/auth/index.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { openTelemetryTracing } from '../../src/tracing/otel-tracing.js'

const exporter = new InMemorySpanExporter()
const contextManager = new AsyncLocalStorageContextManager()

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  )
})
afterAll(() => {
  trace.disable()
  propagation.disable()
  context.disable()
})

describe('OpenTelemetry tracing', () => {
  it('continues the incoming trace with a span per stage and keeps inputs out of attributes', async () => {
    const tracing = await openTelemetryTracing()
    const echo = defineAction({
      name: 'echo',
      description: 'Echo',
      input: z.object({ secret_note: z.string() }),
      risk: 'low',
      handler: ({ secret_note }) => ({ secret_note }),
    })
    const airlock = createAirlock({ actions: [echo], policies: [allowAll()], tracer: tracing.stages })
    const app = createHttpApp(airlock, {
      auth: apiKeyAuth({
        keys: [{ id: 'a', sha256: hashApiKey('ak_trace'), actor_id: 'agent-1', roles: ['agent'] }],
      }),
      tracing: tracing.requests,
    })
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const response = await app.request('/actions/echo/execute', {
      method: 'POST',
      headers: {
        authorization: 'Bearer ak_trace',
        'content-type': 'application/json',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ inputs: { secret_note: 'hunter2-do-not-trace' } }),
    })
    expect(response.status).toBe(200)
    await airlock.close()
    const spans = exporter.getFinishedSpans()
    const server = spans.find((s) => s.name === 'POST /actions/:name/execute')
    expect(server).toBeDefined()
    expect(server!.spanContext().traceId).toBe(traceId)
    expect(server!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7')
    const stages = spans.filter((s) => s.name.startsWith('airlock.'))
    expect(stages.map((s) => s.name)).toEqual([
      'airlock.authorize',
      'airlock.claim',
      'airlock.run',
      'airlock.settle',
    ])
    for (const s of stages) {
      expect(s.spanContext().traceId).toBe(traceId)
      expect(s.parentSpanContext?.spanId).toBe(server!.spanContext().spanId)
    }
    expect(stages[1]!.attributes).toMatchObject({ 'airlock.action': 'echo', 'airlock.decision': 'allow' })
    const everything = JSON.stringify(spans.map((s) => s.attributes))
    expect(everything).not.toContain('hunter2')
    expect(everything).not.toContain('ak_trace')
  })
})

/** A refund that needs an approver, and its undo. */
function refunds() {
  const refund = defineAction({
    name: 'refund',
    description: 'Refund an invoice',
    input: z.object({ invoice_id: z.string(), card_pin: z.string().optional() }),
    risk: 'high',
    approval_required: true,
    approver_roles: ['approver'],
    handler: ({ invoice_id }) => ({ refunded: invoice_id }),
    meta: {
      reversible: true,
      rollback_action: 'charge',
      rollback_params: { invoice_id: { source: 'params.invoice_id' } },
    },
  })
  const charge = defineAction({
    name: 'charge',
    description: 'Charge an invoice again',
    input: z.object({ invoice_id: z.string() }),
    risk: 'low',
    handler: ({ invoice_id }) => ({ charged: invoice_id }),
    meta: { parameters: [{ name: 'invoice_id', type: 'string', required: true }] },
  })
  return [refund, charge]
}

const agent = localPrincipal('agent-1', { roles: ['agent'] })
const lead = localPrincipal('lead', { roles: ['approver'] })
const named = (prefix: string) => exporter.getFinishedSpans().filter((s) => s.name.startsWith(prefix))

describe('OpenTelemetry tracing beyond execute', () => {
  it('traces a check and a dry run with the decision they reached, and no inputs', async () => {
    exporter.reset()
    const tracing = await openTelemetryTracing()
    const airlock = createAirlock({ actions: refunds(), policies: [allowAll()], tracer: tracing.stages })
    const app = createHttpApp(airlock, {
      auth: apiKeyAuth({
        keys: [{ id: 'a', sha256: hashApiKey('ak_check'), actor_id: 'agent-1', roles: ['agent'] }],
      }),
      tracing: tracing.requests,
    })
    const response = await app.request('/check', {
      method: 'POST',
      headers: { authorization: 'Bearer ak_check', 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'refund', inputs: { invoice_id: 'inv_1', card_pin: '4321-secret' } }),
    })
    expect(response.status).toBe(200)
    await airlock.execute('charge', { invoice_id: 'inv_2' }, { caller: agent, dry_run: true })
    await airlock.close()
    const [check] = named('airlock.check')
    const server = exporter.getFinishedSpans().find((s) => s.name === 'POST /check')
    expect(check!.parentSpanContext?.spanId).toBe(server!.spanContext().spanId)
    expect(check!.attributes).toEqual({
      'airlock.action': 'refund',
      'airlock.decision': 'require_approval',
      'airlock.rule': expect.any(String),
    })
    expect(named('airlock.dry_run')[0]!.attributes).toMatchObject({
      'airlock.action': 'charge',
      'airlock.decision': 'allow',
      'airlock.status': 'dry_run',
    })
    expect(named('airlock.run')).toEqual([])
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toContain('4321-secret')
  })

  it('traces approving, rejecting and expiring held requests, and the approved run inside the approval', async () => {
    exporter.reset()
    let now = new Date('2026-03-01T00:00:00Z')
    const tracing = await openTelemetryTracing()
    const airlock = createAirlock({
      actions: refunds(),
      policies: [allowAll()],
      approvals: { ttl_ms: 60_000 },
      tracer: tracing.stages,
      now: () => now,
    })
    const hold = async () => {
      const held = await airlock.execute('refund', { invoice_id: 'inv_1' }, { caller: agent })
      if (held.status !== 'pending_approval') throw new Error('expected a hold')
      return held.approval_id
    }
    const approved = await hold()
    const rejected = await hold()
    const expiring = await hold()
    await airlock.approvals.approve(approved, { approver: lead })
    await airlock.approvals.reject(rejected, { approver: lead, comment: 'no' })
    expect(await airlock.approvals.expire()).toEqual([])
    now = new Date('2026-03-01T00:02:00Z')
    await airlock.approvals.expire()
    await airlock.close()

    const [approve] = named('airlock.approve')
    expect(approve!.attributes).toEqual({
      'airlock.action': 'refund',
      'airlock.approval_id': approved,
      'airlock.approval_status': 'decided',
      'airlock.status': 'executed',
    })
    const runs = named('airlock.run').filter(
      (s) => s.parentSpanContext?.spanId === approve!.spanContext().spanId,
    )
    expect(runs.map((s) => s.attributes)).toEqual([
      {
        'airlock.action': 'refund',
        'airlock.decision': 'require_approval',
        'airlock.rule': expect.any(String),
      },
    ])
    expect(named('airlock.reject')[0]!.attributes).toEqual({
      'airlock.action': 'refund',
      'airlock.approval_id': rejected,
      'airlock.approval_status': 'rejected',
    })
    // The sweep that found nothing left no span; the one that expired a request did.
    expect(named('airlock.expire').map((s) => s.attributes)).toEqual([
      { 'airlock.action': 'refund', 'airlock.approval_id': expiring, 'airlock.approval_status': 'expired' },
    ])
  })

  it("traces a rollback with the undo request's stages inside it", async () => {
    exporter.reset()
    const tracing = await openTelemetryTracing()
    const airlock = createAirlock({ actions: refunds(), policies: [allowAll()], tracer: tracing.stages })
    const held = await airlock.execute('refund', { invoice_id: 'inv_9' }, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    const decided = await airlock.approvals.approve(held.approval_id, { approver: lead })
    if (decided.status !== 'decided') throw new Error('expected the refund to run')
    const run = await airlock.rollback.run(decided.outcome.audit_id, agent)
    await airlock.close()
    expect(run.outcome.status).toBe('executed')
    const [rollback] = named('airlock.rollback')
    expect(rollback!.attributes).toEqual({ 'airlock.action': 'charge', 'airlock.status': 'executed' })
    const inside = exporter
      .getFinishedSpans()
      .filter((s) => s.parentSpanContext?.spanId === rollback!.spanContext().spanId)
      .map((s) => s.name)
    expect(inside).toEqual(['airlock.authorize', 'airlock.claim', 'airlock.run', 'airlock.settle'])
  })
})
