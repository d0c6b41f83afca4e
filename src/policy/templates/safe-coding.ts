/**
 * The `safe_coding` template: guards for coding agents' shell and file tools.
 *
 * @module
 */
import { extractPaths, normalizePath } from '../matchers/path.js'
import type { PolicyRequest, PolicyRule } from '../policy-rule.js'
import { type CommandOptions, hasLong, parseOptions } from './command-options.js'
import type { ShellCommand } from './shell-commands.js'
import { templateRule } from './template-rule.js'
import { shellCommandsIn } from './tool-args.js'
import { isShellTool, toolNameContains } from './tool-names.js'

interface GitCall {
  readonly sub: string
  readonly args: readonly string[]
  /** Values of `-c name=value` and `--config-env=name=…`, lower-cased. */
  readonly config: readonly string[]
  readonly env: readonly string[]
}

const GIT_VALUED_GLOBAL = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--config-env',
  '--super-prefix',
])

function gitCall(command: ShellCommand): GitCall | null {
  if (command.name !== 'git') return null
  const config: string[] = []
  const { args } = command
  let i = 0
  while (i < args.length && args[i]!.startsWith('-')) {
    const a = args[i]!
    if (a === '-c' || a === '--config-env') config.push((args[i + 1] ?? '').toLowerCase())
    else if (a.startsWith('--config-env=')) config.push(a.slice('--config-env='.length).toLowerCase())
    i += GIT_VALUED_GLOBAL.has(a) ? 2 : 1
  }
  const sub = args[i]
  return sub === undefined
    ? null
    : { sub: sub.toLowerCase(), args: args.slice(i + 1), config, env: command.env }
}

/** Options of the subcommands we inspect that take a separate value (so `-m '--no-verify'` is a message). */
const SUB_OPTIONS: Readonly<Record<string, { valuedShort: string; valuedLong: ReadonlySet<string> }>> = {
  commit: {
    valuedShort: 'mFcCt',
    valuedLong: new Set([
      'message',
      'file',
      'author',
      'date',
      'template',
      'cleanup',
      'fixup',
      'squash',
      'trailer',
    ]),
  },
  push: { valuedShort: 'o', valuedLong: new Set(['repo', 'receive-pack', 'exec', 'push-option']) },
  merge: { valuedShort: 'mFsX', valuedLong: new Set(['message', 'file', 'strategy', 'strategy-option']) },
  tag: { valuedShort: 'mFu', valuedLong: new Set(['message', 'file', 'local-user']) },
}

function gitOptions(call: GitCall): CommandOptions {
  return parseOptions(call.args, SUB_OPTIONS[call.sub] ?? {})
}

function gitCalls(request: PolicyRequest): GitCall[] {
  const calls: GitCall[] = []
  for (const command of shellCommandsIn(request.args)) {
    const call = gitCall(command)
    if (call !== null) calls.push(call)
  }
  return calls
}

/** Force flags, `+refspec` and `--mirror` all overwrite remote history; `--force-with-lease` included. */
function isForcePush(call: GitCall): boolean {
  if (call.sub !== 'push') return false
  const o = gitOptions(call)
  return (
    o.short.has('f') ||
    o.long.some((n) => n.startsWith('force') || ('force'.startsWith(n) && n.length >= 3)) ||
    hasLong(o, 'mirror') ||
    o.operands.some((r) => r.startsWith('+'))
  )
}

function refTargetsMain(refspec: string): boolean {
  const spec = refspec.replace(/^\+/, '').toLowerCase()
  const dst = spec.slice(spec.lastIndexOf(':') + 1)
  return (
    dst === 'main' ||
    dst === 'master' ||
    dst.endsWith('/main') ||
    dst.endsWith('/master') ||
    dst.includes('*')
  )
}

function targetsMain(call: GitCall): boolean {
  const o = gitOptions(call)
  return hasLong(o, 'all') || hasLong(o, 'mirror') || o.operands.some(refTargetsMain)
}

function isRemoteDelete(call: GitCall): boolean {
  if (call.sub !== 'push') return false
  const o = gitOptions(call)
  return o.short.has('d') || hasLong(o, 'delete') || o.operands.some((r) => /^\+?:./.test(r))
}

function isDestructiveGit(call: GitCall): boolean {
  const o = gitOptions(call)
  switch (call.sub) {
    case 'push':
      return isForcePush(call) || isRemoteDelete(call)
    case 'reset':
      return hasLong(o, 'hard', 2)
    case 'clean': {
      const dryRun = o.short.has('n') || hasLong(o, 'dry-run', 2)
      return !dryRun && (o.short.has('f') || o.short.has('d') || hasLong(o, 'force', 1))
    }
    case 'branch': {
      const del = o.short.has('d') || hasLong(o, 'delete')
      const force = o.short.has('f') || hasLong(o, 'force')
      return o.short.has('D') || (del && force)
    }
    default:
      return false
  }
}

const HOOK_CONFIG = /^core\.hookspath=|^commit\.gpgsign=(false|no|off|0)$/

function skipsHooks(call: GitCall): boolean {
  const o = gitOptions(call)
  return (
    hasLong(o, 'no-verify', 4) ||
    hasLong(o, 'no-gpg-sign', 6) ||
    (call.sub === 'commit' && o.short.has('n')) ||
    call.config.some((c) => HOOK_CONFIG.test(c)) ||
    call.env.some((e) => /^HUSKY=0$|^HUSKY_SKIP_HOOKS=/.test(e))
  )
}

function isRecursiveDelete(command: ShellCommand): boolean {
  if (command.name === 'rm') {
    const o = parseOptions(command.args)
    return o.short.has('r') || o.short.has('R') || hasLong(o, 'recursive', 1)
  }
  return command.name === 'find' && command.args.includes('-delete')
}

const SYSTEM_DIRS = [
  '/etc',
  '/usr',
  '/boot',
  '/sys',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/proc',
  '/private/etc',
]

/** Whether a normalised path is, or lies under, a system directory (case-insensitive, for case-insensitive file systems). */
export function isSystemPath(normalized: string): boolean {
  const p = normalized.toLowerCase()
  return SYSTEM_DIRS.some((dir) => p === dir || p.startsWith(`${dir}/`))
}

/**
 * A shell word as a path to check, or null. The shell's working directory is
 * unknown, so only absolute paths and paths that climb (`../..`) are read;
 * climbing ones resolve against `/`, which can only over-match.
 */
function shellPath(word: string): string | null {
  return word.startsWith('/') || word.startsWith('..') ? normalizePath(word) : null
}

/** Commands whose every operand is modified, and those that modify only the last (the destination). */
const MODIFY_ALL = new Set([
  'rm',
  'rmdir',
  'shred',
  'unlink',
  'touch',
  'truncate',
  'mkdir',
  'chmod',
  'chown',
  'chgrp',
  'tee',
  'mv',
  'chattr',
  'setfacl',
])
const MODIFY_LAST = new Set(['cp', 'install', 'ln', 'rsync', 'scp'])

function shellWrites(command: ShellCommand): string[] {
  const targets = [...command.writes]
  const o = parseOptions(command.args)
  if (MODIFY_ALL.has(command.name)) targets.push(...o.operands)
  else if (MODIFY_LAST.has(command.name)) {
    const last = o.operands.at(-1)
    if (last !== undefined) targets.push(last)
    const t = command.args.indexOf('-t')
    if (t >= 0 && command.args[t + 1] !== undefined) targets.push(command.args[t + 1]!)
  } else if (
    (command.name === 'sed' || command.name === 'perl') &&
    (o.short.has('i') || hasLong(o, 'in-place'))
  ) {
    targets.push(...o.operands)
  } else if (command.name === 'dd') {
    for (const a of command.args) if (a.startsWith('of=')) targets.push(a.slice(3))
  }
  return targets
}

const WRITE_TOOL_WORDS = [
  'write',
  'edit',
  'patch',
  'replace',
  'create',
  'delete',
  'remove',
  'move',
  'rename',
  'copy',
  'append',
  'save',
  'mkdir',
  'chmod',
  'chown',
  'touch',
  'truncate',
  'unlink',
  'upload',
]

const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\.env$/,
  /(^|\/)\.env(rc|\.[^/]+)$/,
  /credentials/,
  /(^|\/)\.ssh(\/|$)/,
  /(^|\/)\.aws(\/|$)/,
  /(^|\/)\.gnupg(\/|$)/,
  /(^|\/)\.(netrc|pgpass|npmrc|pypirc)$/,
  /(^|\/)\.kube\/config$/,
  /(^|\/)\.docker\/config\.json$/,
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)$/,
]

/** Whether a path names a credential file (case-insensitive; `.ENV` counts). */
export function isCredentialPath(path: string): boolean {
  const p = path.toLowerCase()
  return CREDENTIAL_PATTERNS.some((re) => re.test(p))
}

function shellWords(command: ShellCommand): string[] {
  const words = [...command.reads, ...command.writes]
  for (const a of command.args) {
    const eq = a.indexOf('=')
    words.push(a.startsWith('-') && eq > 0 ? a.slice(eq + 1) : a)
  }
  return words
}

const anyGit = (request: PolicyRequest, test: (call: GitCall) => boolean) => gitCalls(request).some(test)
const anyCommand = (request: PolicyRequest, test: (command: ShellCommand) => boolean) =>
  shellCommandsIn(request.args).some(test)

/**
 * The `safe_coding` rules, highest priority first: deny force pushes to
 * main/master, destructive git, system file writes and skipped hooks; hold
 * recursive deletes and credential file access for approval.
 *
 * @remarks Shell rules apply to every shell-like tool (`bash`, `sh`, `shell`,
 * `terminal`, `exec`, `run_command`, …, any case) and read the command as a
 * shell would, through wrappers (`sudo`, `env`, `sh -c`, `$(…)`, `xargs`).
 * At equal priority deny rules come before escalations, so a deny is never
 * shadowed.
 */
export function safeCoding(): PolicyRule[] {
  return [
    templateRule({
      name: 'no-force-push-main',
      aapPriority: 5,
      decision: 'deny',
      reason: 'Force push to main/master is not allowed',
      tools: isShellTool,
      matches: (r) => anyGit(r, (call) => isForcePush(call) && targetsMain(call)),
    }),
    templateRule({
      name: 'no-destructive-git',
      aapPriority: 10,
      decision: 'deny',
      reason: 'Destructive git operations require human approval',
      tools: isShellTool,
      matches: (r) => anyGit(r, isDestructiveGit),
    }),
    templateRule({
      name: 'no-system-file-write',
      aapPriority: 10,
      decision: 'deny',
      reason: 'System file modification is not allowed',
      tools: (tool) => isShellTool(tool) || toolNameContains(tool, WRITE_TOOL_WORDS),
      matches: (r) => {
        if (isShellTool(r.action)) {
          return anyCommand(r, (c) =>
            shellWrites(c).some((w) => {
              const p = shellPath(w)
              return p !== null && isSystemPath(p)
            }),
          )
        }
        return extractPaths(r.args).some((p) => isSystemPath(normalizePath(p)))
      },
    }),
    templateRule({
      name: 'no-skip-hooks',
      aapPriority: 10,
      decision: 'deny',
      reason: 'Skipping git hooks or GPG signing is not allowed',
      tools: isShellTool,
      matches: (r) => anyGit(r, skipsHooks),
    }),
    templateRule({
      name: 'no-rm-rf',
      aapPriority: 10,
      decision: 'require_approval',
      reason: 'Recursive file deletion needs confirmation',
      tools: isShellTool,
      matches: (r) => anyCommand(r, isRecursiveDelete),
    }),
    templateRule({
      name: 'no-credential-access',
      aapPriority: 20,
      decision: 'require_approval',
      reason: 'Credential file access needs confirmation',
      tools: () => true,
      matches: (r) => {
        if (isShellTool(r.action)) return anyCommand(r, (c) => shellWords(c).some(isCredentialPath))
        return extractPaths(r.args).some((p) => isCredentialPath(p) || isCredentialPath(normalizePath(p)))
      },
    }),
  ]
}
