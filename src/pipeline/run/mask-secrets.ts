/**
 * Masks every occurrence of a credential's values in what a run records: a
 * program may echo its token, an API may quote it in an error. Applied on
 * top of the redactor, which knows secret-looking keys but not this run's
 * secret.
 *
 * @module
 */
import { MASKED_CREDENTIAL } from '../../executors/template.js'

/** `value` with each secret string replaced by `[credential]`, in keys and values, at any depth. */
export function maskSecrets(value: unknown, secrets: readonly string[]): unknown {
  const used = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)
  if (used.length === 0) return value
  const text = (s: string) => used.reduce((acc, secret) => acc.split(secret).join(MASKED_CREDENTIAL), s)
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v)
    if (Array.isArray(v)) return v.map(walk)
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [text(k), walk(item)]))
    }
    return v
  }
  return walk(value)
}
