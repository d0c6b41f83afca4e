/**
 * Identify: who asks. The caller was authenticated by the entry point (HTTP
 * auth, the guard's runtime, the CLI); this stage only turns what it was
 * given into a `Principal` and gives the request its id.
 *
 * Reads: the per-call options. Writes: nothing. Pure apart from the new id.
 *
 * @module
 */
import { localPrincipal, type Principal } from '../../identity/principal.js'
import { newId } from '../../internal/ids.js'
import type { ExecuteOptions } from '../pipeline-types.js'
import type { RequestContext } from '../request-context.js'

const ANONYMOUS: Principal = { ...localPrincipal('anonymous'), auth: 'anonymous' }

/** A string is a trusted local caller's id; nothing at all is the anonymous caller. */
export function toPrincipal(caller: Principal | string | undefined): Principal {
  if (caller === undefined) return ANONYMOUS
  return typeof caller === 'string' ? localPrincipal(caller) : caller
}

/** The request context every later stage reads. */
export function identify(
  action: string,
  inputs: Record<string, unknown>,
  options: ExecuteOptions,
): RequestContext {
  return {
    request_id: newId('req'),
    principal: toPrincipal(options.caller),
    action,
    inputs,
    target: options.target ?? null,
    idempotency_key: options.idempotency_key ?? null,
    ticket_id: options.ticket_id ?? null,
    signal: options.signal,
  }
}
