import { createHash } from 'node:crypto'
import { canonicalJson } from '../audit/canonical-json.js'

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of `params`, so the same
 * inputs hash the same whatever their key order. Absent params hash as `{}`.
 */
export function paramsHash(params: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(params ?? {}))
    .digest('hex')
}
