import type { Principal } from '../principal.js'

/**
 * Turns the credential on a request into a {@link Principal}: the identify
 * stage.
 *
 * @remarks `authenticate` resolves `null` when the request carries nothing
 * this backend understands (so the next backend may try), and throws
 * `AirlockError` `UNAUTHENTICATED` when it carries a credential of this
 * backend's kind that does not verify. It never reads the body.
 */
export interface AuthBackend {
  /** Shown in logs and errors, e.g. `api_key`, `jwt`. */
  readonly name: string
  authenticate(request: Request): Promise<Principal | null>
}
