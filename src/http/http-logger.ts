/** The slice of a pino-style logger the app uses. */
export interface HttpLogger {
  info(object: Record<string, unknown>, message?: string): void
  warn(object: Record<string, unknown>, message?: string): void
  error(object: Record<string, unknown>, message?: string): void
  /** A logger adding `bindings` to every line (pino's `child`); optional for hand-written loggers. */
  child?(bindings: Record<string, unknown>): HttpLogger
}

/**
 * `logger` with `bindings` on every line: its own `child` when it has one,
 * else a wrapper that merges them in (the line's own fields win).
 */
export function childLogger(logger: HttpLogger, bindings: Record<string, unknown>): HttpLogger {
  if (typeof logger.child === 'function') return logger.child(bindings)
  const bound =
    (write: HttpLogger['info']) =>
    (object: Record<string, unknown>, message?: string): void =>
      write.call(logger, { ...bindings, ...object }, message)
  return {
    info: bound(logger.info),
    warn: bound(logger.warn),
    error: bound(logger.error),
    child: (more) => childLogger(logger, { ...bindings, ...more }),
  }
}
