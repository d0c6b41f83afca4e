/**
 * Spans around the pipeline's stages. The core calls this interface;
 * `openTelemetryTracing()` implements it with `@opentelemetry/api` (an
 * optional peer), and nothing is traced when none is configured.
 *
 * @remarks Attributes name what the configuration bounds (the action, the
 * decision, the rule, the outcome status); never inputs, results, secrets
 * or credentials.
 *
 * @module
 */

/** Attributes of a stage span. */
export type StageAttributes = Readonly<Record<string, string | number | boolean>>

/** Adds attributes to the running stage's span: what is known only once the stage has decided. */
export type AnnotateStage = (attributes: StageAttributes) => void

/** Runs pipeline stages inside spans. */
export interface StageTracer {
  /**
   * Runs `fn` in a span named `airlock.<stage>`, ended when `fn` settles (an
   * error marks it failed). `fn` may add attributes to the span as it learns them.
   */
  stage<T>(
    stage: string,
    attributes: StageAttributes,
    fn: (annotate: AnnotateStage) => Promise<T>,
  ): Promise<T>
}

const ignore: AnnotateStage = () => {}

/** The tracer used when none is configured: runs the stage, records nothing. */
export const NO_TRACING: StageTracer = { stage: (_stage, _attributes, fn) => fn(ignore) }
