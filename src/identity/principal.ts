/** One hop of a delegation chain, oldest first. */
export interface DelegationLink {
  readonly actor_id: string
  readonly roles: readonly string[]
  readonly groups: readonly string[]
}

/**
 * Who is asking. Produced by the identify stage; everything downstream trusts
 * it, so only an auth backend (or trusted code) may build one.
 */
export interface Principal {
  readonly actor_id: string
  readonly roles: readonly string[]
  readonly groups: readonly string[]
  /** Scopes granted to the caller. Roles also count as scopes (`finance` or `scope:finance`). */
  readonly scopes: readonly string[]
  readonly tenant_id: string
  /** Callers that delegated to this one, oldest first; empty when acting directly. */
  readonly delegation_chain: readonly DelegationLink[]
  /** How the principal was established, e.g. `api_key`, `jwt`, `headers`, `local`. */
  readonly auth: string
}

export const DEFAULT_TENANT = 'default'

/** A principal for trusted in-process callers (library use, CLI). */
export function localPrincipal(
  actor_id: string,
  options: {
    roles?: readonly string[]
    groups?: readonly string[]
    scopes?: readonly string[]
    tenant_id?: string
  } = {},
): Principal {
  return {
    actor_id,
    roles: options.roles ?? [],
    groups: options.groups ?? [],
    scopes: options.scopes ?? [],
    tenant_id: options.tenant_id ?? DEFAULT_TENANT,
    delegation_chain: [],
    auth: 'local',
  }
}
