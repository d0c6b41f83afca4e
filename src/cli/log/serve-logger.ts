/**
 * The one logger of `airlock serve`: pino JSON lines on stdout, or the same
 * lines made readable when stdout is a terminal (or when asked).
 *
 * @module
 */
import pino from 'pino'
import type { LogLevel } from '../../config/resolved-config.js'
import { prettyLogStream, type TextSink } from './pretty-log.js'

/** `auto`: pretty on a terminal, JSON otherwise. */
export type LogFormatSetting = 'auto' | 'json' | 'pretty'

export const LOG_FORMATS: readonly LogFormatSetting[] = ['auto', 'json', 'pretty']

/** What {@link serveLogger} needs. */
export interface ServeLoggerOptions {
  readonly level: LogLevel
  readonly format: LogFormatSetting
  readonly stdout: TextSink & { isTTY?: boolean | undefined }
  /** Colour in pretty lines; default when stdout is a terminal and NO_COLOR is unset. */
  readonly colour: boolean
}

/** Whether lines are written as JSON or pretty text. */
export function resolvedLogFormat(format: LogFormatSetting, isTTY: boolean | undefined): 'json' | 'pretty' {
  if (format !== 'auto') return format
  return isTTY === true ? 'pretty' : 'json'
}

/** The gateway's logger; every part of `serve` writes through it. */
export function serveLogger(options: ServeLoggerOptions): pino.Logger {
  const pretty = resolvedLogFormat(options.format, options.stdout.isTTY) === 'pretty'
  const destination = pretty ? prettyLogStream(options.stdout, options.colour) : options.stdout
  return pino(
    {
      level: options.level,
      base: { service: 'airlock' },
      // Belt and braces: nothing logs these today, and nothing ever should.
      redact: {
        paths: ['authorization', '*.authorization', 'api_key', '*.api_key', 'inputs', '*.inputs'],
        remove: true,
      },
    },
    destination as pino.DestinationStream,
  )
}

/**
 * A child of `logger` for what `serve` says once at start (the banner): at
 * `info` even when the configured level is quieter, so where the gateway
 * listens is always said; nothing when the level is `silent`.
 */
export function bannerLogger(logger: pino.Logger, level: LogLevel): pino.Logger {
  const quiet = level === 'warn' || level === 'error' || level === 'fatal'
  return quiet ? logger.child({}, { level: 'info' }) : logger
}
