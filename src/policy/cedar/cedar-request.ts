import type {
  CedarValueJson,
  Context,
  EntityJson,
  EntityUidJson,
  TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs'
import type { PolicyRequest } from '../policy-rule.js'

/** An entity in Cedar's JSON entity format. */
export type CedarEntity = EntityJson

/** Placeholder resource id when the request names no target. */
export const NO_TARGET_ID = '__none__'

const MAX_DEPTH = 32

/**
 * Converts a JSON-like value into a Cedar value.
 *
 * @remarks Cedar reads `{"__entity": …}` and `{"__extn": …}` in JSON as entity
 * references and extension values; agent-supplied arguments must never become
 * those, so such keys get an extra leading `_`. Integers stay numbers (Cedar
 * longs); other numbers become strings; `null`/`undefined` fields are dropped
 * (so `has` is false); arrays become sets.
 */
export function toCedarValue(value: unknown, depth = 0): CedarValueJson | undefined {
  if (depth > MAX_DEPTH) return undefined
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isSafeInteger(value) ? value : String(value)
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString()
    case 'object': {
      if (value === null) return undefined
      if (value instanceof Date) return value.toISOString()
      if (Array.isArray(value)) {
        const items: CedarValueJson[] = []
        for (const item of value) {
          const v = toCedarValue(item, depth + 1)
          if (v !== undefined) items.push(v)
        }
        return items
      }
      const record: Record<string, CedarValueJson> = {}
      for (const [k, v] of Object.entries(value)) {
        const converted = toCedarValue(v, depth + 1)
        if (converted !== undefined) record[k.startsWith('__') ? `_${k}` : k] = converted
      }
      return record
    }
    default:
      return undefined
  }
}

/**
 * The Cedar `context` for a request: `args` (the validated inputs),
 * `risk_class`, `effective_risk`, `has_target`, `target_id`, `environment`,
 * `sensitivity`, `authenticated`, `tenant_id`, `roles`, `groups`, `scopes`,
 * `delegated`, `delegation_depth`, `now` (a Cedar `datetime`) and
 * `timestamp` (seconds since the epoch). Absent facts are left out, so
 * policies test them with `has`.
 */
export function toCedarContext(request: PolicyRequest): Context {
  const context: Record<string, CedarValueJson> = {
    args: toCedarValue(request.args) ?? {},
    risk_class: request.risk_class,
    effective_risk: request.effective_risk,
    has_target: request.target_id !== null,
    authenticated: request.caller !== undefined,
    now: { __extn: { fn: 'datetime', arg: request.now.toISOString() } },
    timestamp: Math.floor(request.now.getTime() / 1000),
  }
  if (request.target_id !== null) context.target_id = request.target_id
  if (request.target !== undefined) {
    context.environment = request.target.environment
    context.sensitivity = request.target.sensitivity
  }
  const caller = request.caller
  if (caller !== undefined) {
    context.tenant_id = caller.tenant_id
    context.roles = [...caller.roles]
    context.groups = [...caller.groups]
    context.scopes = [...caller.scopes]
    context.delegated = caller.delegation_chain.length > 0
    context.delegation_depth = caller.delegation_chain.length
  }
  return context
}

function uidOf(uid: EntityUidJson): TypeAndId {
  return '__entity' in uid ? uid.__entity : uid
}

const keyOf = (uid: EntityUidJson) => {
  const { type, id } = uidOf(uid)
  return `${type}::${JSON.stringify(id)}`
}

/** Principal, action and resource uids for a request, and the entities to evaluate with. */
export function toCedarEntities(
  request: PolicyRequest,
  extra: readonly CedarEntity[],
): { principal: TypeAndId; action: TypeAndId; resource: TypeAndId; entities: CedarEntity[] } {
  const caller = request.caller
  const principal: TypeAndId = caller
    ? { type: 'Agent', id: caller.actor_id }
    : { type: 'Anonymous', id: 'anonymous' }
  const action: TypeAndId = { type: 'Action', id: request.action }
  const resource: TypeAndId = { type: 'Target', id: request.target_id ?? NO_TARGET_ID }

  const own: CedarEntity[] = [{ uid: action, attrs: {}, parents: [] }]
  if (caller) {
    own.push({
      uid: principal,
      attrs: {
        tenant_id: caller.tenant_id,
        auth: caller.auth,
        roles: [...caller.roles],
        groups: [...caller.groups],
        scopes: [...caller.scopes],
      },
      // Roles and groups as parents, so `principal in Role::"admin"` works.
      parents: [
        ...caller.roles.map((id) => ({ type: 'Role', id })),
        ...caller.groups.map((id) => ({ type: 'Group', id })),
      ],
    })
  } else {
    own.push({ uid: principal, attrs: {}, parents: [] })
  }
  const target = request.target
  own.push({
    uid: resource,
    attrs: target
      ? {
          type: target.type,
          environment: target.environment,
          sensitivity: target.sensitivity,
          owner: target.owner,
          labels: { ...target.labels },
        }
      : {},
    parents: [],
  })

  // Configured entities come first; the request's facts win on conflicting attributes.
  const merged = new Map<string, CedarEntity>()
  for (const entity of extra) merged.set(keyOf(entity.uid), entity)
  for (const entity of own) {
    const key = keyOf(entity.uid)
    const configured = merged.get(key)
    merged.set(
      key,
      configured === undefined
        ? entity
        : {
            uid: entity.uid,
            attrs: { ...configured.attrs, ...entity.attrs },
            parents: [...configured.parents, ...entity.parents],
          },
    )
  }
  return { principal, action, resource, entities: [...merged.values()] }
}
