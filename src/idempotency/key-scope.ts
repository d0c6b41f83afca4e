/**
 * Who shares an idempotency key, and the unambiguous encoding of the
 * contexts a key and its sealed outcome are bound to.
 *
 * @module
 */

/**
 * Who shares one idempotency key namespace: each actor its own (the default),
 * or the whole tenant.
 *
 * @remarks Per actor, another caller cannot occupy a key an agent will
 * predictably use (a framework's tool-call id) nor learn that it exists:
 * their claim lands in a different namespace. Per tenant, two callers with
 * one key collide, and the second gets `IDEMPOTENCY_KEY_REUSED`.
 */
export type IdempotencyKeyScope = 'actor' | 'tenant'

/**
 * Joins parts so that no two different lists give the same text: each part
 * is written as its length, `:`, then the part (`3:abc5:de:fg`). A `:` inside
 * a tenant, action, actor or key can therefore never make two contexts equal.
 */
export function lengthPrefixed(parts: readonly string[]): string {
  return parts.map((part) => `${part.length}:${part}`).join('')
}

/** The key as stored: the caller's key, inside the actor's namespace when keys are scoped per actor. */
export function storedIdempotencyKey(scope: IdempotencyKeyScope, actor_id: string, key: string): string {
  return scope === 'actor' ? lengthPrefixed(['actor', actor_id, key]) : key
}

/** Associated data sealing a stored outcome to its tenant, action, namespace and key. */
export function outcomeSealContext(tenant_id: string, action: string, storedKey: string): string {
  return `idem.v2.${lengthPrefixed([tenant_id, action, storedKey])}`
}
