/**
 * Human-readable log lines for a terminal: pino's JSON lines turned into
 * `12:00:01.250 INFO  request method=GET path=/actions status=200 ...`.
 * Small on purpose: the gateway's lines are flat, so a formatter of a few
 * dozen lines serves them without another dependency.
 *
 * @module
 */

/** Where formatted lines go: a terminal, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown
}

const LEVELS: Readonly<Record<number, { label: string; colour: number }>> = {
  10: { label: 'TRACE', colour: 90 },
  20: { label: 'DEBUG', colour: 36 },
  30: { label: 'INFO ', colour: 32 },
  40: { label: 'WARN ', colour: 33 },
  50: { label: 'ERROR', colour: 31 },
  60: { label: 'FATAL', colour: 35 },
}

// Shown elsewhere on the line, or the same on every line.
const OMITTED = new Set(['time', 'level', 'msg', 'service', 'pid', 'hostname', 'err'])

// Control characters would let a logged value (a path, a header) move the cursor or fake a line.
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f]/

function shownText(text: string): string {
  return UNSAFE_TEXT.test(text) ? JSON.stringify(text) : text
}

function shownValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? shownText(value) : JSON.stringify(value)
  return JSON.stringify(value) ?? String(value)
}

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date()
  return date.toISOString().slice(11, 23)
}

function errorLines(err: unknown): string {
  if (typeof err !== 'object' || err === null) return ''
  const { message, stack } = err as { message?: unknown; stack?: unknown }
  const text = typeof stack === 'string' ? stack : typeof message === 'string' ? message : JSON.stringify(err)
  return `\n${text
    .split('\n')
    .map((line) => `    ${shownText(line)}`)
    .join('\n')}`
}

/** One JSON log line as text; a line that is not JSON comes back as it was. */
export function formatLogLine(line: string, colour: boolean): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`
  }
  const level = LEVELS[Number(entry.level)] ?? { label: String(entry.level).padEnd(5), colour: 0 }
  const label = colour ? `\u001b[${level.colour}m${level.label}\u001b[0m` : level.label
  const fields = Object.entries(entry)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${shownValue(value)}`)
  const message = typeof entry.msg === 'string' ? shownText(entry.msg) : ''
  const rest =
    fields.length === 0 ? '' : colour ? ` \u001b[2m${fields.join(' ')}\u001b[0m` : ` ${fields.join(' ')}`
  return `${clock(entry.time)} ${label} ${message}${rest}${errorLines(entry.err)}\n`
}

/** A pino destination that writes each line to `sink` formatted by {@link formatLogLine}. */
export function prettyLogStream(sink: TextSink, colour: boolean): { write(line: string): void } {
  return {
    write(line) {
      sink.write(formatLogLine(line, colour))
    },
  }
}
