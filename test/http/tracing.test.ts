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
