/** A command's arguments split into options and operands. */
export interface CommandOptions {
  /** Long option names, lower-cased, without `--` or `=value` (`--Force=x` → `force`). */
  readonly long: readonly string[]
  /** Short option letters, case kept (`-Rf` → `R`, `f`). */
  readonly short: ReadonlySet<string>
  /** Operands: every argument that is not an option or an option's value. */
  readonly operands: readonly string[]
}

/** Which options take the following word as their value. */
export interface OptionSpec {
  /** Short letters that take a value (`m` for `git commit -m msg`). */
  readonly valuedShort?: string
  /** Long names (lower-case) that take a value when not written `--name=value`. */
  readonly valuedLong?: ReadonlySet<string>
}

/** Splits `args` the way getopt-style parsers do; `--` ends the options. */
export function parseOptions(args: readonly string[], spec: OptionSpec = {}): CommandOptions {
  const long: string[] = []
  const short = new Set<string>()
  const operands: string[] = []
  const valuedShort = spec.valuedShort ?? ''
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') {
      operands.push(...args.slice(i + 1))
      break
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = (eq < 0 ? a.slice(2) : a.slice(2, eq)).toLowerCase()
      long.push(name)
      if (eq < 0 && spec.valuedLong?.has(name)) i++
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!
        short.add(letter)
        if (valuedShort.includes(letter)) {
          // The rest of the cluster, or the next word, is the value.
          if (j === a.length - 1) i++
          break
        }
      }
    } else operands.push(a)
  }
  return { long, short, operands }
}

/**
 * Whether a long option, possibly abbreviated as getopt and git allow, names
 * `full`. Abbreviations of at least `min` characters count, which errs toward
 * matching: an ambiguous abbreviation is rejected by the program anyway.
 */
export function isLongOption(name: string, full: string, min = 3): boolean {
  return name === full || (name.length >= min && full.startsWith(name))
}

/** Whether any long option in `options` names `full` (see {@link isLongOption}). */
export function hasLong(options: CommandOptions, full: string, min = 3): boolean {
  return options.long.some((name) => isLongOption(name, full, min))
}
