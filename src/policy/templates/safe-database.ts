/**
 * The `safe_database` template: no schema changes, and a human looks at
 * deletes and unbounded updates.
 *
 * @module
 */
import type { PolicyRequest, PolicyRule } from '../policy-rule.js'
import { analyzeSql, type SqlFindings } from './sql-statements.js'
import { templateRule } from './template-rule.js'
import { argStrings, payloadValues } from './tool-args.js'
import { toolNameContains } from './tool-names.js'

/** Tools whose name contains `sql`, `query`, `database` or `db` (any case), as in the original template. */
export function isDatabaseTool(tool: string): boolean {
  return toolNameContains(tool, ['sql', 'query', 'database', 'db'])
}

const SQL_KEYS = new Set(['sql', 'query', 'queries', 'statement', 'statements', 'command', 'q'])

const analyzed = new WeakMap<object, SqlFindings>()

/** Findings over the SQL arguments (or, when no key names one, every string argument). */
function findings(request: PolicyRequest): SqlFindings {
  const hit = analyzed.get(request.args)
  if (hit !== undefined) return hit
  const merged = { ddl: null as string | null, deletes: false, unboundedUpdate: false }
  for (const { value } of argStrings(payloadValues(request.args, SQL_KEYS))) {
    const f = analyzeSql(value)
    merged.ddl ??= f.ddl
    merged.deletes ||= f.deletes
    merged.unboundedUpdate ||= f.unboundedUpdate
  }
  analyzed.set(request.args, merged)
  return merged
}

/**
 * The `safe_database` rules: deny DDL and privilege changes; hold DELETE and
 * UPDATE without a real WHERE for approval.
 *
 * @remarks SQL is tokenized, so keywords inside strings and comments do not
 * count while `DROP/**\/TABLE`, `TRUNCATE logs`, `DROP VIEW`, `GRANT`, data-
 * modifying CTEs and `UPDATE "users" SET …` are all seen.
 */
export function safeDatabase(): PolicyRule[] {
  return [
    templateRule({
      name: 'block-ddl',
      aapPriority: 10,
      decision: 'deny',
      reason: 'DDL operations (DROP, TRUNCATE, ALTER, CREATE) are not allowed',
      tools: isDatabaseTool,
      matches: (r) => findings(r).ddl !== null,
    }),
    templateRule({
      name: 'escalate-delete',
      aapPriority: 20,
      decision: 'require_approval',
      reason: 'DELETE operations need confirmation',
      tools: isDatabaseTool,
      matches: (r) => findings(r).deletes,
    }),
    templateRule({
      name: 'escalate-update-no-where',
      aapPriority: 20,
      decision: 'require_approval',
      reason: 'UPDATE without WHERE clause needs confirmation',
      tools: isDatabaseTool,
      matches: (r) => findings(r).unboundedUpdate,
    }),
  ]
}
