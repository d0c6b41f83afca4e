import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { DEFAULT_TENANT, type DelegationLink, type Principal } from '../principal.js'
import type { KeySet } from './key-set.js'
import { signToken } from './sign-token.js'
import { badRequest, requireName, requireNames, requireWhole } from './token-arguments.js'
import type { TokenRejection } from './token-rejection.js'
import { type VerificationSource, verifyToken } from './verify-token.js'

/** `typ` header of identity tokens, so a ticket (or any other JWT) is never taken for one. */
export const IDENTITY_TOKEN_TYPE = 'airlock-id+jwt'

export const DEFAULT_IDENTITY_TTL_S = 3600
export const DEFAULT_MAX_DELEGATION_DEPTH = 5
export const DEFAULT_CLOCK_TOLERANCE_S = 5
/** Upper bound on `max_delegation_depth`; also bounds how deep `act` claims are read. */
export const MAX_DELEGATION_DEPTH_LIMIT = 32

/** One delegating actor, as a nested RFC 8693 `act` claim: the nearest ancestor outermost. */
export interface ActorClaim {
  readonly sub: string
  readonly roles: readonly string[]
  readonly groups: readonly string[]
  readonly act?: ActorClaim
}

/** The claims of an identity token. */
export interface IdentityClaims {
  readonly sub: string
  readonly roles: readonly string[]
  readonly groups: readonly string[]
  readonly tenant: string
  readonly iss: string
  readonly aud: string
  readonly exp: number
  readonly iat: number
  readonly nbf: number
  readonly jti: string
  /** How many delegation hops this identity's chain may have in all; fixed by the root token. */
  readonly max_delegation_depth: number
  /** Who delegated to `sub`, when it acts for someone else. */
  readonly act?: ActorClaim
}

/** Options of {@link issueIdentityToken}. */
export interface IssueIdentityOptions {
  readonly sub: string
  readonly roles?: readonly string[]
  readonly groups?: readonly string[]
  /** Default `default`. */
  readonly tenant?: string
  /** Lifetime in seconds. Default 3600. */
  readonly ttl_s?: number
  /** Who the token is for (`aud`), e.g. the gateway's URL or name. */
  readonly audience: string
  /** Delegation hops allowed below this identity. Default 5; 0 forbids delegation. */
  readonly max_delegation_depth?: number
  /** Issue time, for tests. */
  readonly now?: Date
}

/** Options of {@link verifyIdentityToken}. */
export interface VerifyIdentityOptions {
  /** Expected `aud`. */
  readonly audience: string
  /** Expected `iss`. Default: the key set's issuer (`airlock`). */
  readonly issuer?: string
  /** Allowed clock skew in seconds. Default 5. */
  readonly clock_tolerance_s?: number
  /** Verification time, for tests. */
  readonly now?: Date
}

/** An identity token that verified: the principal, and the claims it came from. */
export interface VerifiedIdentity {
  readonly principal: Principal
  readonly claims: IdentityClaims
}

/**
 * Signs an identity token for an agent.
 *
 * @remarks Only the holder of the signing key can mint one, so an agent given
 * a token cannot widen its own roles; it can only pass on less (see `delegate`).
 */
export async function issueIdentityToken(keySet: KeySet, options: IssueIdentityOptions): Promise<string> {
  const sub = requireName('sub', options.sub)
  const roles = requireNames('roles', options.roles ?? [])
  const groups = requireNames('groups', options.groups ?? [])
  const tenant = requireName('tenant', options.tenant ?? DEFAULT_TENANT)
  const audience = requireName('audience', options.audience)
  const ttl = requireWhole('ttl_s', options.ttl_s ?? DEFAULT_IDENTITY_TTL_S, 1)
  const depth = requireWhole(
    'max_delegation_depth',
    options.max_delegation_depth ?? DEFAULT_MAX_DELEGATION_DEPTH,
    0,
  )
  if (depth > MAX_DELEGATION_DEPTH_LIMIT) {
    throw badRequest(`max_delegation_depth must be at most ${MAX_DELEGATION_DEPTH_LIMIT}, got ${depth}`)
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000)
  return signToken(
    keySet,
    IDENTITY_TOKEN_TYPE,
    { sub, roles, groups, tenant, aud: audience, max_delegation_depth: depth },
    { iat, nbf: iat, exp: iat + ttl },
  )
}

/**
 * Verifies an identity token and returns the principal it names.
 *
 * @remarks Throws `UNAUTHENTICATED` with `details.reason` (a
 * {@link TokenRejection} reason) for a bad signature, an algorithm other than
 * the key's pinned one, `alg: none`, an expired or not-yet-valid token, the
 * wrong audience, issuer or `typ`, or malformed claims. A delegated token is
 * also refused when its chain is longer than its `max_delegation_depth` or
 * when roles or groups widen anywhere along the chain.
 */
export async function verifyIdentityToken(
  source: VerificationSource,
  token: string,
  options: VerifyIdentityOptions,
): Promise<Principal> {
  return (await verifyIdentity(source, token, options)).principal
}

/** Like {@link verifyIdentityToken}, also returning the verified claims. */
export async function verifyIdentity(
  source: VerificationSource,
  token: string,
  options: Omit<VerifyIdentityOptions, 'audience'> & { readonly audience: string | undefined },
): Promise<VerifiedIdentity> {
  const verified = await verifyToken(source, token, {
    typ: IDENTITY_TOKEN_TYPE,
    issuer: options.issuer,
    audience: options.audience,
    clock_tolerance_s: options.clock_tolerance_s ?? DEFAULT_CLOCK_TOLERANCE_S,
    now: options.now,
  })
  if (!verified.ok) throw rejected(verified)
  const claims = readClaims(verified.payload)
  const chain = chainOf(claims)
  if (chain.length > claims.max_delegation_depth) {
    throw rejected({
      reason: 'invalid_claims',
      message: `delegation depth ${chain.length} exceeds the token's max depth ${claims.max_delegation_depth}`,
    })
  }
  // Each hop may only narrow: re-checked here so a token is never trusted
  // more than the chain it claims, whoever signed it.
  const hops = [...chain, { actor_id: claims.sub, roles: claims.roles, groups: claims.groups }]
  for (let i = 1; i < hops.length; i++) {
    const parent = hops[i - 1]!
    const child = hops[i]!
    const extraRoles = child.roles.filter((r) => !parent.roles.includes(r))
    const extraGroups = child.groups.filter((g) => !parent.groups.includes(g))
    if (extraRoles.length > 0 || extraGroups.length > 0) {
      throw rejected({
        reason: 'invalid_claims',
        message: `delegation from '${parent.actor_id}' to '${child.actor_id}' widens ${
          extraRoles.length > 0 ? `roles [${extraRoles.join(', ')}]` : `groups [${extraGroups.join(', ')}]`
        }`,
      })
    }
  }
  return {
    claims,
    principal: {
      actor_id: claims.sub,
      roles: claims.roles,
      groups: claims.groups,
      scopes: [],
      tenant_id: claims.tenant,
      delegation_chain: chain,
      auth: 'identity_token',
    },
  }
}

/** The delegation chain of verified claims, oldest ancestor first. */
export function chainOf(claims: IdentityClaims): DelegationLink[] {
  const chain: DelegationLink[] = []
  for (let act = claims.act; act; act = act.act)
    chain.unshift({ actor_id: act.sub, roles: act.roles, groups: act.groups })
  return chain
}

function rejected(rejection: TokenRejection): AirlockError {
  return new AirlockError(ErrorCode.UNAUTHENTICATED, `Invalid identity token: ${rejection.message}`, {
    details: { reason: rejection.reason },
  })
}

function invalidClaim(message: string): AirlockError {
  return rejected({ reason: 'invalid_claims', message })
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '')
}

function readActor(value: unknown, depth: number): ActorClaim {
  if (depth > MAX_DELEGATION_DEPTH_LIMIT) throw invalidClaim("claim 'act' is nested too deeply")
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidClaim("claim 'act' must be an object")
  const a = value as Record<string, unknown>
  if (typeof a.sub !== 'string' || a.sub === '')
    throw invalidClaim("claim 'act.sub' must be a non-empty string")
  if (!isStringArray(a.roles) || !isStringArray(a.groups)) {
    throw invalidClaim("claims 'act.roles' and 'act.groups' must be arrays of strings")
  }
  const actor: ActorClaim = { sub: a.sub, roles: a.roles, groups: a.groups }
  return a.act === undefined ? actor : { ...actor, act: readActor(a.act, depth + 1) }
}

/** Checks the shape of the private claims; registered ones were checked by the verifier. */
function readClaims(p: Record<string, unknown>): IdentityClaims {
  if (typeof p.sub !== 'string' || p.sub === '') throw invalidClaim("claim 'sub' must be a non-empty string")
  if (!isStringArray(p.roles)) throw invalidClaim("claim 'roles' must be an array of strings")
  if (!isStringArray(p.groups)) throw invalidClaim("claim 'groups' must be an array of strings")
  if (typeof p.tenant !== 'string' || p.tenant === '')
    throw invalidClaim("claim 'tenant' must be a non-empty string")
  if (typeof p.aud !== 'string') throw invalidClaim("claim 'aud' must be one string")
  const depth = p.max_delegation_depth
  if (
    typeof depth !== 'number' ||
    !Number.isInteger(depth) ||
    depth < 0 ||
    depth > MAX_DELEGATION_DEPTH_LIMIT
  ) {
    throw invalidClaim("claim 'max_delegation_depth' must be a whole number")
  }
  const claims: IdentityClaims = {
    sub: p.sub,
    roles: p.roles,
    groups: p.groups,
    tenant: p.tenant,
    iss: p.iss as string,
    aud: p.aud,
    exp: p.exp as number,
    iat: p.iat as number,
    nbf: typeof p.nbf === 'number' ? p.nbf : (p.iat as number),
    jti: p.jti as string,
    max_delegation_depth: depth,
  }
  return p.act === undefined ? claims : { ...claims, act: readActor(p.act, 1) }
}
