import { commandsFromArgv, parseShell, type ShellCommand } from './shell-commands.js'

const MAX_DEPTH = 16

/** A string found somewhere in a tool call's arguments, with the key that held it. */
export interface ArgString {
  readonly key: string | undefined
  readonly value: string
}

/** Every string in `value`, depth first, with the nearest object key above it. */
export function argStrings(value: unknown, key?: string, depth = 0, out: ArgString[] = []): ArgString[] {
  if (depth > MAX_DEPTH) return out
  if (typeof value === 'string') out.push({ key, value })
  else if (Array.isArray(value)) for (const item of value) argStrings(item, key, depth + 1, out)
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) argStrings(v, k.toLowerCase(), depth + 1, out)
  }
  return out
}

/**
 * The arguments that hold the payload a rule should inspect: the values of
 * `keys` when any is present (so a free-text `description` is not read as
 * code), otherwise every argument. Fails closed: an unknown argument layout
 * means everything is inspected.
 */
export function payloadValues(args: unknown, keys: ReadonlySet<string>): unknown[] {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return [args]
  const entries = Object.entries(args)
  const chosen = entries.filter(([k]) => keys.has(k.toLowerCase()))
  return (chosen.length > 0 ? chosen : entries).map(([, v]) => v)
}

const parsed = new WeakMap<object, readonly ShellCommand[]>()

const COMMAND_KEYS = new Set([
  'command',
  'cmd',
  'commands',
  'script',
  'code',
  'input',
  'shell',
  'line',
  'argv',
  'args',
])

/**
 * The shell commands a shell tool call would run. A string is a script; a
 * list of strings is read both as an argv vector and as a list of scripts,
 * since tools use either form.
 */
export function shellCommandsIn(args: unknown): readonly ShellCommand[] {
  // Several rules read the same call; parse its arguments once.
  const cacheable = typeof args === 'object' && args !== null
  if (cacheable) {
    const hit = parsed.get(args)
    if (hit !== undefined) return hit
  }
  const out: ShellCommand[] = []
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return
    if (typeof value === 'string') out.push(...parseShell(value))
    else if (Array.isArray(value)) {
      if (value.length > 0 && value.every((v) => typeof v === 'string')) out.push(...commandsFromArgv(value))
      for (const item of value) visit(item, depth + 1)
    } else if (typeof value === 'object' && value !== null) {
      for (const v of Object.values(value)) visit(v, depth + 1)
    }
  }
  for (const value of payloadValues(args, COMMAND_KEYS)) visit(value, 0)
  if (cacheable) parsed.set(args, out)
  return out
}
