/**
 * OpenTelemetry traces: a server span per HTTP request, continuing the W3C
 * trace context of the incoming request (`traceparent`, `tracestate`), and a
 * child span per pipeline stage. Spans go to whatever tracer provider the
 * application registered (the OpenTelemetry SDK); `@opentelemetry/api` is
 * an optional peer, loaded only when tracing is on.
 *
 * @module
 */
import type { TextMapGetter } from '@opentelemetry/api'
import type { StageTracer } from './stage-tracer.js'

type OtelApi = typeof import('@opentelemetry/api')

/** Wraps one HTTP request in a server span. */
export type RequestTracing = <T>(
  request: Request,
  describe: () => { route: string; status: number },
  fn: () => Promise<T>,
) => Promise<T>

/** The tracer pair {@link openTelemetryTracing} returns. */
export interface OpenTelemetryTracing {
  readonly stages: StageTracer
  readonly requests: RequestTracing
}

const NAME = 'airlock'

const getter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
}

/**
 * Tracing through the globally registered OpenTelemetry tracer provider.
 *
 * @throws Error naming the package when `@opentelemetry/api` is not installed.
 */
export async function openTelemetryTracing(): Promise<OpenTelemetryTracing> {
  let api: OtelApi
  try {
    api = await import('@opentelemetry/api')
  } catch (error) {
    throw new Error(
      'tracing needs the optional peer dependency @opentelemetry/api: npm install @opentelemetry/api',
      {
        cause: error,
      },
    )
  }
  const tracer = () => api.trace.getTracer(NAME)

  const stages: StageTracer = {
    stage: (stage, attributes, fn) =>
      tracer().startActiveSpan(`airlock.${stage}`, { attributes }, async (span) => {
        try {
          return await fn((more) => span.setAttributes(more))
        } catch (error) {
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: (error as Error).name })
          throw error
        } finally {
          span.end()
        }
      }),
  }

  const requests: RequestTracing = (request, describe, fn) => {
    const parent = api.propagation.extract(api.context.active(), request.headers, getter)
    return tracer().startActiveSpan(
      `HTTP ${request.method}`,
      { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': request.method } },
      parent,
      async (span) => {
        try {
          return await fn()
        } finally {
          const { route, status } = describe()
          span.updateName(`${request.method} ${route}`)
          span.setAttribute('http.route', route)
          span.setAttribute('http.response.status_code', status)
          if (status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR })
          span.end()
        }
      },
    )
  }
  return { stages, requests }
}
