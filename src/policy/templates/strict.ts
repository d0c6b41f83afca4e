/**
 * The `strict` template: read-only tools are allowed, everything else denied.
 *
 * @module
 */
import type { PolicyRule } from '../policy-rule.js'
import { templateRule } from './template-rule.js'
import { toolWords } from './tool-names.js'

const READ_VERBS = new Set(['read', 'search', 'grep', 'glob', 'list', 'ls', 'cat', 'head', 'tail', 'find'])

/** Words that make a read-named tool do more than read (`find_and_replace`, `list_and_delete`). */
const MUTATING_WORDS = new Set([
  'write',
  'delete',
  'remove',
  'rm',
  'update',
  'create',
  'insert',
  'drop',
  'truncate',
  'replace',
  'overwrite',
  'edit',
  'modify',
  'patch',
  'put',
  'post',
  'set',
  'send',
  'move',
  'mv',
  'rename',
  'copy',
  'upload',
  'exec',
  'execute',
  'run',
  'kill',
  'stop',
  'start',
  'restart',
  'deploy',
  'apply',
  'push',
  'commit',
  'merge',
  'install',
  'grant',
  'revoke',
  'reset',
  'purge',
  'destroy',
  'approve',
  'pay',
  'transfer',
  'save',
  'append',
  'clear',
  'and',
  'then',
])

/**
 * Whether a tool name is read-only: it starts with a read verb as a whole
 * word (`read`, `read_file`, `listDirectory`, `grep-code`) and no later word
 * is a mutating verb. Substrings do not count, so `send_emails`,
 * `delete_catalog`, `overwrite_readme`, `thread_delete`, `write_headers` and
 * `delete_all_tools` are not read-only, and neither are names with
 * characters outside `[A-Za-z0-9_.-]`.
 */
export function isReadOnlyTool(tool: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(tool)) return false
  const [first, ...rest] = toolWords(tool)
  return first !== undefined && READ_VERBS.has(first) && !rest.some((w) => MUTATING_WORDS.has(w))
}

/** Priority of strict's catch-all deny: below any rule a user is likely to write, so their allows still apply. */
export const STRICT_DENY_PRIORITY = -1_000_000

/**
 * The `strict` rules: `allow-read-only` for read-only tool names and
 * `deny-everything-else` for all others.
 *
 * @remarks Unlike the original template, strict does not depend on the
 * engine's default decision: the catch-all deny is part of the template.
 */
export function strict(): PolicyRule[] {
  return [
    templateRule({
      name: 'allow-read-only',
      aapPriority: 10,
      decision: 'allow',
      reason: 'Read-only operations are allowed',
      tools: isReadOnlyTool,
      matches: () => true,
    }),
    {
      name: 'deny-everything-else',
      priority: STRICT_DENY_PRIORITY,
      actions: { kind: 'any' },
      evaluate: () => ({
        decision: 'deny',
        reason: 'Only read-only operations are allowed',
        rule: 'deny-everything-else',
      }),
    },
  ]
}
