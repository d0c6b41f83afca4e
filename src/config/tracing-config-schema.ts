/**
 * The `tracing` section of a configuration file: OpenTelemetry spans per
 * request and per pipeline stage, sent to the tracer provider the process
 * registered (the OpenTelemetry SDK). Off unless the section is present.
 *
 * @module
 */
import { z } from 'zod'

/** `tracing:` as written. */
export const tracingSchema = z.strictObject({
  enabled: z.boolean().default(true),
})
