/** The slice of a pino-style logger the app uses. */
export interface HttpLogger {
  info(object: Record<string, unknown>, message?: string): void
  warn(object: Record<string, unknown>, message?: string): void
  error(object: Record<string, unknown>, message?: string): void
}
