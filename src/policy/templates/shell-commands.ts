/**
 * A small POSIX-shell reader for policy checks: splits a command line into
 * simple commands and their words the way a shell would, so rules look at
 * `argv` instead of searching the raw text.
 *
 * @remarks Best effort and deliberately over-inclusive: command and process
 * substitutions, here-document bodies, `sh -c`/`eval` strings, `find -exec`
 * and wrappers such as `sudo`, `env` or `xargs` all yield the commands they
 * would run. It never executes or expands anything (no variables, globs or
 * aliases), so a command assembled at run time (`$(echo git) push`) is not
 * recognised; shell access itself is the boundary for that.
 *
 * @module
 */

import { findBacktick, readAnsiC, readDoubleQuoted } from './shell-quoting.js'

/** One simple command after wrappers are peeled off. */
export interface ShellCommand {
  /** Lower-cased base name of the program (`/usr/bin/GIT` → `git`). */
  readonly name: string
  /** Arguments after the program, as the shell would pass them. */
  readonly args: readonly string[]
  /** `NAME=value` assignments in front of the command (and given to `env`). */
  readonly env: readonly string[]
  /** Targets of output redirections (`>`, `>>`, `&>`, `>|`). */
  readonly writes: readonly string[]
  /** Sources of input redirections (`<`). */
  readonly reads: readonly string[]
}

const MAX_DEPTH = 8

const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'do',
  'while',
  'until',
  '!',
  '{',
  '}',
  'time',
  'coproc',
])
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'busybox'])
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/

/** Options (per wrapper) that consume the following word. */
const WRAPPERS: Readonly<
  Record<string, { readonly valued: ReadonlySet<string>; readonly positionals?: number }>
> = {
  sudo: {
    valued: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group']),
  },
  doas: { valued: new Set(['-u', '-C']) },
  env: { valued: new Set(['-u', '-C', '--unset', '--chdir']) },
  command: { valued: new Set() },
  builtin: { valued: new Set() },
  exec: { valued: new Set(['-a']) },
  nohup: { valued: new Set() },
  nice: { valued: new Set(['-n', '--adjustment']) },
  ionice: { valued: new Set(['-c', '-n', '-p', '--class', '--classdata']) },
  stdbuf: { valued: new Set(['-i', '-o', '-e']) },
  timeout: { valued: new Set(['-s', '-k', '--signal', '--kill-after']), positionals: 1 },
  chroot: { valued: new Set(['--userspec', '--groups']), positionals: 1 },
  xargs: { valued: new Set(['-I', '-n', '-P', '-L', '-d', '-E', '-s', '-a', '--max-args', '--max-procs']) },
  unbuffer: { valued: new Set() },
  caffeinate: { valued: new Set(['-t', '-w']) },
  flock: { valued: new Set(['-w', '-E', '--timeout']), positionals: 1 },
  strace: { valued: new Set(['-e', '-o', '-p', '-s', '-u']) },
}

const SSH_VALUED = new Set([
  '-p',
  '-i',
  '-l',
  '-o',
  '-F',
  '-J',
  '-L',
  '-R',
  '-D',
  '-b',
  '-c',
  '-e',
  '-m',
  '-O',
  '-Q',
  '-S',
  '-W',
  '-w',
  '-E',
  '-B',
])

/** Splits a shell script into the simple commands it would run. */
export function parseShell(script: string): ShellCommand[] {
  const out: ShellCommand[] = []
  readScript(script, 0, out)
  return out
}

/** Treats `argv` (an exec-style argument vector) as one command and unwraps it. */
export function commandsFromArgv(argv: readonly string[]): ShellCommand[] {
  const out: ShellCommand[] = []
  unwrap([...argv], [], [], [], 0, out)
  return out
}

function readScript(script: string, depth: number, out: ShellCommand[]): void {
  if (depth > MAX_DEPTH) return
  const text = script
  let i = 0
  let argv: string[] = []
  let writes: string[] = []
  let reads: string[] = []
  let word: string | null = null
  let redirect: 'in' | 'out' | 'heredoc' | 'herestring' | null = null
  const nested: string[] = []

  const endWord = () => {
    if (word === null) return
    if (redirect === 'out') writes.push(word)
    else if (redirect === 'in') reads.push(word)
    else if (redirect === 'herestring') nested.push(word)
    else if (redirect !== 'heredoc') argv.push(word)
    redirect = null
    word = null
  }
  const endCommand = () => {
    endWord()
    if (argv.length > 0 || writes.length > 0 || reads.length > 0) unwrap(argv, [], writes, reads, depth, out)
    argv = []
    writes = []
    reads = []
  }
  const append = (s: string) => {
    word = (word ?? '') + s
  }
  // Returns the index just past the `)` closing a `$(` / `<(` that opened before `start`.
  const closeParen = (start: number): number => {
    let level = 1
    let j = start
    while (j < text.length && level > 0) {
      const c = text[j]
      if (c === '\\') j += 2
      else if (c === "'") {
        const end = text.indexOf("'", j + 1)
        j = end < 0 ? text.length : end + 1
      } else {
        if (c === '(') level++
        else if (c === ')') level--
        j++
      }
    }
    return j
  }

  while (i < text.length) {
    const c = text[i]!
    const next = text[i + 1]
    if (c === '\\') {
      if (next === '\n') i += 2
      else {
        append(next ?? '')
        i += 2
      }
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1)
      append(text.slice(i + 1, end < 0 ? text.length : end))
      i = end < 0 ? text.length : end + 1
    } else if (c === '"') {
      i = readDoubleQuoted(text, i + 1, append, nested, closeParen)
    } else if (c === '$' && next === "'") {
      i = readAnsiC(text, i + 2, append)
    } else if (c === '$' && next === '(') {
      const end = closeParen(i + 2)
      nested.push(text.slice(i + 2, end - 1))
      append(text.slice(i, end))
      i = end
    } else if (c === '`') {
      const end = findBacktick(text, i + 1)
      nested.push(text.slice(i + 1, end))
      append(text.slice(i, end + 1))
      i = end + 1
    } else if ((c === '<' || c === '>') && next === '(') {
      const end = closeParen(i + 2)
      nested.push(text.slice(i + 2, end - 1))
      append(text.slice(i, end))
      i = end
    } else if (c === '>' || c === '<' || (c === '&' && next === '>')) {
      // `2>file`: the digits name a file descriptor, not an argument.
      if (word !== null && /^\d+$/.test(word)) word = null
      endWord()
      if (c === '<' && next === '<') {
        // A here-string feeds its word to the command (`bash <<< 'cmd'`), so it is read as a script;
        // here-document bodies are simply read on as further lines.
        if (text[i + 2] === '<') {
          redirect = 'herestring'
          i += 3
        } else {
          redirect = 'heredoc'
          i += text[i + 2] === '-' ? 3 : 2
        }
      } else {
        redirect = c === '<' ? 'in' : 'out'
        i += c === '&' ? 2 : 1
        while (text[i] === '>' || text[i] === '|' || text[i] === '&') i++
      }
    } else if (c === ';' || c === '|' || c === '&' || c === '\n' || c === '(' || c === ')') {
      endCommand()
      i++
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord()
      i++
    } else if (c === '#' && word === null) {
      const end = text.indexOf('\n', i)
      i = end < 0 ? text.length : end
    } else {
      append(c)
      i++
    }
  }
  endCommand()
  for (const inner of nested) readScript(inner, depth + 1, out)
}

function baseName(program: string): string {
  const slash = program.lastIndexOf('/')
  return program
    .slice(slash + 1)
    .toLowerCase()
    .replace(/\.exe$/, '')
}

function unwrap(
  argv: string[],
  env: string[],
  writes: readonly string[],
  reads: readonly string[],
  depth: number,
  out: ShellCommand[],
): void {
  if (depth > MAX_DEPTH) return
  let start = 0
  while (start < argv.length) {
    const word = argv[start]!
    if (ASSIGNMENT.test(word)) env.push(word)
    else if (!KEYWORDS.has(word)) break
    start++
  }
  const program = argv[start]
  if (program === undefined) {
    if (writes.length > 0 || reads.length > 0) out.push({ name: '', args: [], env, writes, reads })
    return
  }
  const name = baseName(program)
  const args = argv.slice(start + 1)
  const wrapper = WRAPPERS[name]
  if (wrapper !== undefined) {
    const rest = skipOptions(
      args,
      wrapper.valued,
      wrapper.positionals ?? 0,
      name === 'env' ? env : undefined,
      depth,
      out,
    )
    if (rest.length > 0) {
      unwrap(rest, env, writes, reads, depth + 1, out)
      return
    }
  }
  out.push({ name, args, env, writes, reads })
  if (SHELLS.has(name)) {
    if (name === 'busybox' && args.length > 0) {
      unwrap(args, [], [], [], depth + 1, out)
      return
    }
    const script = shellScriptArg(args)
    if (script !== undefined) readScript(script, depth + 1, out)
  } else if (name === 'eval') {
    readScript(args.join(' '), depth + 1, out)
  } else if (name === 'su' || name === 'runuser') {
    const at = args.findIndex((a) => a === '-c' || a === '--command')
    if (at >= 0 && args[at + 1] !== undefined) readScript(args[at + 1]!, depth + 1, out)
  } else if (name === 'watch') {
    readScript(
      skipOptions(args, new Set(['-n', '-d', '--interval']), 0, undefined, depth, out).join(' '),
      depth + 1,
      out,
    )
  } else if (name === 'ssh') {
    const rest = skipOptions(args, SSH_VALUED, 1, undefined, depth, out)
    if (rest.length > 0) readScript(rest.join(' '), depth + 1, out)
  } else if (name === 'find') {
    findExecs(args, depth, out)
  }
}

/** Drops a wrapper's options (and `positionals` leading operands); returns the wrapped argv. */
function skipOptions(
  args: readonly string[],
  valued: ReadonlySet<string>,
  positionals: number,
  env: string[] | undefined,
  depth: number,
  out: ShellCommand[],
): string[] {
  let i = 0
  let skipped = 0
  while (i < args.length) {
    const a = args[i]!
    if (a === '--') {
      i++
      break
    }
    if (env !== undefined && (a === '-S' || a === '--split-string')) {
      // `env -S 'cmd args'` splits its operand into a command line.
      if (args[i + 1] !== undefined) readScript(args[i + 1]!, depth + 1, out)
      i += 2
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      i += valued.has(a) ? 2 : 1
      continue
    }
    if (env !== undefined && ASSIGNMENT.test(a)) {
      env.push(a)
      i++
      continue
    }
    if (skipped < positionals) {
      skipped++
      i++
      continue
    }
    break
  }
  return args.slice(i)
}

function shellScriptArg(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') return undefined
    if (a === '-c' || a === '--command' || (/^-[a-zA-Z]+$/.test(a) && a.includes('c'))) {
      // The first operand after the option list is the script.
      for (let j = i + 1; j < args.length; j++) if (!args[j]!.startsWith('-')) return args[j]
      return undefined
    }
    if (!a.startsWith('-') && !a.startsWith('+')) return undefined
  }
  return undefined
}

function findExecs(args: readonly string[], depth: number, out: ShellCommand[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a !== '-exec' && a !== '-execdir' && a !== '-ok' && a !== '-okdir') continue
    let end = i + 1
    while (end < args.length && args[end] !== ';' && args[end] !== '+') end++
    unwrap(args.slice(i + 1, end), [], [], [], depth + 1, out)
    i = end
  }
}
