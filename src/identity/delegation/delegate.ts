import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../principal.js'
import { type ActorClaim, IDENTITY_TOKEN_TYPE, verifyIdentity } from '../tokens/identity-token.js'
import type { KeySet } from '../tokens/key-set.js'
import { signToken } from '../tokens/sign-token.js'
import { requireName, requireNames, requireWhole } from '../tokens/token-arguments.js'

/** Options of {@link delegate}. */
export interface DelegateOptions {
  /** The child's actor id. */
  readonly sub: string
  /** Roles passed on; each must be held by the parent. Omitted means none (never inherited). */
  readonly roles?: readonly string[]
  /** Groups passed on; each must be held by the parent. Default none. */
  readonly groups?: readonly string[]
  /** Lifetime in seconds, cut to the parent's remaining lifetime. Default: the parent's remaining lifetime. */
  readonly ttl_s?: number
  /**
   * Lowers the maximum delegation depth for this branch. It can never be
   * raised above what the parent token carries.
   */
  readonly max_depth?: number
  /** Issue time, for tests. */
  readonly now?: Date
}

/** Why a delegation was refused. */
export type DelegationRefusal =
  | 'parent_expired'
  | 'roles_not_held'
  | 'groups_not_held'
  | 'depth_exceeded'
  | 'max_depth_raised'

/** A delegated identity token. */
export interface Delegation {
  readonly token: string
  readonly principal: Principal
  /** Hops between the root identity and this one (1 for a direct child). */
  readonly depth: number
  readonly expires_at: string
}

function refuse(reason: DelegationRefusal, message: string): AirlockError {
  return new AirlockError(ErrorCode.FORBIDDEN, message, { details: { reason } })
}

/**
 * Derives a child identity from a parent identity token.
 *
 * @remarks The child's roles and groups must be subsets of the parent's, its
 * expiry is at most the parent's, its tenant and audience are the parent's,
 * and the chain is recorded as nested RFC 8693 `act` claims. The depth limit
 * travels in the token (`max_delegation_depth`, set on the root token) and a
 * child may only lower it. Throws `UNAUTHENTICATED` when the parent token does
 * not verify and `FORBIDDEN` (with `details.reason`, a
 * {@link DelegationRefusal}) when the delegation would widen authority.
 */
export async function delegate(
  keySet: KeySet,
  parentToken: string,
  options: DelegateOptions,
): Promise<Delegation> {
  const sub = requireName('sub', options.sub)
  const roles = requireNames('roles', options.roles ?? [])
  const groups = requireNames('groups', options.groups ?? [])
  const now = options.now ?? new Date()
  let parent: Awaited<ReturnType<typeof verifyIdentity>>
  try {
    // The audience is not checked here: the child inherits whatever the parent was issued for.
    parent = await verifyIdentity(keySet, parentToken, { audience: undefined, now })
  } catch (error) {
    if (AirlockError.isInstance(error) && error.code === ErrorCode.UNAUTHENTICATED) {
      throw new AirlockError(ErrorCode.UNAUTHENTICATED, `Invalid parent token: ${error.message}`, {
        cause: error,
        details: error.details ?? {},
      })
    }
    throw error
  }
  const p = parent.claims
  const nowS = Math.floor(now.getTime() / 1000)
  const remaining = p.exp - nowS
  if (remaining <= 0) throw refuse('parent_expired', 'Parent token has expired')

  const depth = parent.principal.delegation_chain.length + 1
  let maxDepth = p.max_delegation_depth
  if (options.max_depth !== undefined) {
    const requested = requireWhole('max_depth', options.max_depth, 0)
    if (requested > maxDepth) {
      throw refuse(
        'max_depth_raised',
        `Cannot raise max delegation depth from ${maxDepth} to ${requested}: a delegated token may only lower it`,
      )
    }
    maxDepth = requested
  }
  if (depth > maxDepth)
    throw refuse('depth_exceeded', `Delegation depth ${depth} exceeds max depth ${maxDepth}`)

  const extraRoles = roles.filter((r) => !p.roles.includes(r))
  if (extraRoles.length > 0) {
    throw refuse(
      'roles_not_held',
      `Cannot delegate roles not held by parent: [${extraRoles.map((r) => `'${r}'`).join(', ')}]`,
    )
  }
  const extraGroups = groups.filter((g) => !p.groups.includes(g))
  if (extraGroups.length > 0) {
    throw refuse(
      'groups_not_held',
      `Cannot delegate groups not held by parent: [${extraGroups.map((g) => `'${g}'`).join(', ')}]`,
    )
  }

  const ttl =
    options.ttl_s === undefined ? remaining : Math.min(requireWhole('ttl_s', options.ttl_s, 1), remaining)
  const act: ActorClaim = { sub: p.sub, roles: p.roles, groups: p.groups, ...(p.act ? { act: p.act } : {}) }
  const exp = nowS + ttl
  const token = await signToken(
    keySet,
    IDENTITY_TOKEN_TYPE,
    { sub, roles, groups, tenant: p.tenant, aud: p.aud, max_delegation_depth: maxDepth, act },
    { iat: nowS, nbf: nowS, exp },
  )
  return {
    token,
    depth,
    expires_at: new Date(exp * 1000).toISOString(),
    principal: {
      actor_id: sub,
      roles,
      groups,
      scopes: [],
      tenant_id: p.tenant,
      delegation_chain: [
        ...parent.principal.delegation_chain,
        { actor_id: p.sub, roles: p.roles, groups: p.groups },
      ],
      auth: 'identity_token',
    },
  }
}
