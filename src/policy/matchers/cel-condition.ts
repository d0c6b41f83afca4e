/**
 * CEL conditions (`when:`) over a policy request.
 *
 * @module
 */
import { type CelInput, celEnv, isCelError, parse, plan } from '@bufbuild/cel'
import { timestampFromDate } from '@bufbuild/protobuf/wkt'
import type { PolicyRequest } from '../policy-rule.js'

/** The variables a condition may use. */
export const CEL_VARIABLES = ['action', 'args', 'target', 'caller', 'risk', 'now'] as const

/** The outcome of evaluating a condition: `error` covers evaluation errors and non-bool results. */
export type CelOutcome = true | false | 'error'

/** A compiled condition, or why it could not be compiled. */
export type CelConditionResult =
  | { readonly ok: true; readonly evaluate: (request: PolicyRequest) => CelOutcome }
  | { readonly ok: false; readonly message: string }

// Type names are identifiers in CEL (`type(x) == string`), not variables.
const TYPE_NAMES = new Set([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
])
const KNOWN = new Set<string>([...CEL_VARIABLES, ...TYPE_NAMES])

interface ExprNode {
  exprKind: { case: string | undefined; value?: unknown }
}

// A misspelled variable would make the condition fail on every request; find
// it at load time instead. Comprehension variables are in scope in their body.
function unknownIdentifiers(root: ExprNode): string[] {
  const found = new Set<string>()
  const visit = (node: ExprNode | undefined, scope: ReadonlySet<string>): void => {
    if (!node) return
    const { case: kind, value } = node.exprKind
    const v = value as Record<string, unknown>
    switch (kind) {
      case 'identExpr': {
        const name = v.name as string
        if (!scope.has(name) && !KNOWN.has(name)) found.add(name)
        return
      }
      case 'selectExpr':
        visit(v.operand as ExprNode | undefined, scope)
        return
      case 'callExpr':
        visit(v.target as ExprNode | undefined, scope)
        for (const arg of v.args as ExprNode[]) visit(arg, scope)
        return
      case 'listExpr':
        for (const element of v.elements as ExprNode[]) visit(element, scope)
        return
      case 'structExpr':
        for (const entry of v.entries as { mapKey?: ExprNode; value?: ExprNode }[]) {
          visit(entry.mapKey, scope)
          visit(entry.value, scope)
        }
        return
      case 'comprehensionExpr': {
        visit(v.iterRange as ExprNode | undefined, scope)
        visit(v.accuInit as ExprNode | undefined, scope)
        const inner = new Set(scope)
        for (const key of ['iterVar', 'iterVar2', 'accuVar']) if (v[key]) inner.add(v[key] as string)
        visit(v.loopCondition as ExprNode | undefined, inner)
        visit(v.loopStep as ExprNode | undefined, inner)
        visit(v.result as ExprNode | undefined, inner)
        return
      }
      default:
        return
    }
  }
  visit(root, new Set())
  return [...found]
}

const ENV = celEnv()

type Bindings = Record<(typeof CEL_VARIABLES)[number], CelInput>

// Several CEL rules may look at the same request; build its bindings once.
const bindingsCache = new WeakMap<PolicyRequest, Bindings>()

function jsonLike(value: unknown): CelInput {
  if (value === undefined) return null
  if (Array.isArray(value)) return value.map(jsonLike)
  if (value instanceof Date) return timestampFromDate(value)
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, CelInput> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonLike(v)
    return out
  }
  if (typeof value === 'function' || typeof value === 'symbol') return null
  return value as CelInput
}

/** The CEL variables for one request (cached per request object). */
export function celBindings(request: PolicyRequest): Bindings {
  const cached = bindingsCache.get(request)
  if (cached) return cached
  const { target, caller } = request
  const bindings: Bindings = {
    action: request.action,
    args: jsonLike(request.args),
    target: target
      ? {
          id: target.id,
          type: target.type,
          environment: target.environment,
          sensitivity: target.sensitivity,
          owner: target.owner,
          labels: { ...target.labels },
        }
      : null,
    caller: caller
      ? {
          id: caller.actor_id,
          roles: [...caller.roles],
          groups: [...caller.groups],
          tenant: caller.tenant_id,
          delegation_depth: caller.delegation_chain.length,
          delegated_from: caller.delegation_chain.map((link) => link.actor_id),
        }
      : null,
    risk: { class: request.risk_class, effective: request.effective_risk },
    now: timestampFromDate(request.now),
  }
  bindingsCache.set(request, bindings)
  return bindings
}

/**
 * Compiles a CEL expression once, at load time.
 *
 * @remarks Variables: `action` (string), `args` (map), `target` (map with id,
 * type, environment, sensitivity, owner, labels; or null), `caller` (map with
 * id, roles, groups, tenant, delegation_depth, delegated_from; or null),
 * `risk` (map with class, effective) and `now` (timestamp). A syntax error or
 * an unknown variable is a compile error. Evaluation returns `'error'` for
 * runtime errors (such as reading a missing key; use `has(args.x)`) and for
 * non-bool results; the caller decides what an error means.
 */
export function compileCelCondition(source: string): CelConditionResult {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(source)
  } catch (error) {
    return {
      ok: false,
      message: `invalid CEL expression: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
  const unknown = unknownIdentifiers(parsed.expr as unknown as ExprNode)
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} in CEL expression (available: ${CEL_VARIABLES.join(', ')})`,
    }
  }
  let program: (bindings: Bindings) => unknown
  try {
    program = plan(ENV, parsed) as (bindings: Bindings) => unknown
  } catch (error) {
    return {
      ok: false,
      message: `invalid CEL expression: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
  return {
    ok: true,
    evaluate: (request) => {
      let result: unknown
      try {
        result = program(celBindings(request))
      } catch {
        return 'error'
      }
      if (isCelError(result) || typeof result !== 'boolean') return 'error'
      return result
    },
  }
}
