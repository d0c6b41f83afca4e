/**
 * Value shapes shared by the sections of the configuration file: strings,
 * lists, durations, byte sizes and whole numbers, each with an error message
 * that says what was expected and what was given.
 *
 * @module
 */
import { z } from 'zod'
import { BYTE_SIZE_EXPECTED, parseByteSize } from './parse-byte-size.js'
import { DURATION_EXPECTED, parseDuration } from './parse-duration.js'

export const nonEmpty = z
  .string({ error: 'expected a non-empty string' })
  .min(1, 'expected a non-empty string')
export const names = z.array(nonEmpty, { error: 'expected a list of strings' })

/** One path or a list of them; always a list after parsing. */
export const pathList = z
  .union([nonEmpty, names], { error: 'expected a path or a list of paths' })
  .transform((v) => (typeof v === 'string' ? [v] : v))

export const got = (expected: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `${expected}` : `${expected}, got ${JSON.stringify(iss.input)}`

export const duration = z.string({ error: got(DURATION_EXPECTED) }).transform((text, ctx) => {
  const ms = parseDuration(text)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `${DURATION_EXPECTED}, got '${text}'` })
    return z.NEVER
  }
  return ms
})

/** A duration above zero and at most a year: windows and cooldowns. */
export const window = duration.refine((ms) => ms > 0 && ms <= 366 * 86_400_000, {
  message: 'expected a duration above zero and at most 366d, e.g. 60s, 5m or 1h',
})

/** The longest delay a Node timer keeps (about 24.8 days); past it, a timer fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** How long one outbound call may take: above zero, and short enough for a timer. */
export const callTimeout = duration.refine((ms) => ms > 0 && ms <= MAX_TIMER_MS, {
  message: 'expected a duration above zero and at most 24d, e.g. 10s or 2m',
})

export const wholeAtLeast = (min: number) =>
  z
    .int({ error: got(`expected a whole number of at least ${min}`) })
    .min(min, `expected a whole number of at least ${min}`)

export const byteSize = z.string({ error: got(BYTE_SIZE_EXPECTED) }).transform((text, ctx) => {
  const bytes = parseByteSize(text)
  if (bytes === undefined || bytes < 1) {
    ctx.addIssue({ code: 'custom', message: `${BYTE_SIZE_EXPECTED}, got '${text}'` })
    return z.NEVER
  }
  return bytes
})
