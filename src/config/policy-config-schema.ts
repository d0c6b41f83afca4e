/**
 * The `policy:` section of the config file: how the loaded policy set is
 * named, reloaded and shadowed.
 *
 * @module
 */
import { z } from 'zod'
import { duration, nonEmpty } from './config-schema-primitives.js'

/** How the policy set is named, reloaded and shadowed. */
export const policySchema = z.strictObject({
  /** A human name shown beside the content hash, e.g. `2026-12 tighten deletes`. */
  label: nonEmpty.optional(),
  /** Reload when a policy, action or inventory file changes. */
  watch: z.boolean().default(false),
  /** Quiet time after the last change before a watched reload. */
  watch_debounce: duration.default(500),
  /** A candidate policy file or folder decided beside the enforced set (shadow mode). */
  shadow: nonEmpty.optional(),
  /** How often replicas sharing a PostgreSQL store look for a reload announced by another. */
  announce_interval: duration.default(1_000),
})
