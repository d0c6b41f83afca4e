/**
 * Fingerprints that bind an idempotency key to one request.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from '../audit/canonical-json.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'

/** What an idempotency key is bound to. */
export interface FingerprintSubject {
  readonly action: string
  /** The validated inputs, before redaction (two requests differing only in a secret are different requests). */
  readonly inputs: unknown
  readonly actor_id: string
  readonly tenant_id: string
  readonly target?: string | null | undefined
}

/**
 * Hex SHA-256 of the RFC 8785 canonical JSON of `{action, inputs, actor_id,
 * tenant_id, target}`. Key order anywhere in the inputs does not matter; a
 * missing target and a null target are the same.
 *
 * @remarks Reusing a key with a different fingerprint (other inputs, another
 * caller or target) is a conflict, so one caller can never receive another's
 * stored outcome. Throws AirlockError INPUT_INVALID when the inputs hold
 * something JSON cannot represent (bigint, NaN, a cycle).
 */
export function requestFingerprint(subject: FingerprintSubject): string {
  let canonical: string
  try {
    canonical = canonicalJson({
      action: subject.action,
      inputs: subject.inputs === undefined ? null : subject.inputs,
      actor_id: subject.actor_id,
      tenant_id: subject.tenant_id,
      target: subject.target ?? null,
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new AirlockError(ErrorCode.INPUT_INVALID, `inputs cannot be fingerprinted: ${reason}`, {
      cause: error,
    })
  }
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}
