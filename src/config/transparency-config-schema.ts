/**
 * The `transparency` section of a configuration file: the signed Merkle log
 * over the audit chain (origin, signing key, checkpoint schedule) and the
 * witnesses that must cosign a checkpoint before it is published.
 *
 * @module
 */
import { isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { callTimeout, duration, nonEmpty, wholeAtLeast } from './config-schema-primitives.js'

/** Where the log's signing key lives when the file names none, relative to the config file. */
export const DEFAULT_TRANSPARENCY_KEY_FILE = './.airlock/transparency.key'

const keyName = z
  .string({ error: 'expected a name without spaces or +' })
  .regex(/^[^\s+]+$/, 'expected a name without spaces or + (e.g. airlock.example.com/audit)')

const witnessSchema = z.strictObject({
  /** Base URL of a witness speaking the tlog-witness protocol (`airlock audit witness --listen`). */
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  /** The witness's verifier key (`<name>+<hex id>+<base64 key>`), printed by `airlock audit keygen --witness`. */
  key: nonEmpty,
})

/** `transparency:` as written. */
export const transparencySchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** The checkpoint origin line; default the signing key's name. */
    origin: keyName.optional(),
    /** A `PRIVATE+KEY+…` signer key file, created (mode 0600) on first use. */
    key_file: nonEmpty.default(DEFAULT_TRANSPARENCY_KEY_FILE),
    checkpoint_every: wholeAtLeast(1).default(1000),
    checkpoint_interval: duration.default(10_000),
    witnesses: z
      .strictObject({
        /** How many of the listed witnesses must cosign before a checkpoint is published. */
        required: wholeAtLeast(0).default(1),
        list: z.array(witnessSchema).min(1, 'expected at least one witness'),
        /** How long one witness may take to answer. */
        timeout: callTimeout.default(5_000),
      })
      .refine((w) => w.required <= w.list.length, {
        message: 'required must not exceed the number of listed witnesses',
        path: ['required'],
      })
      .optional(),
  })
  .prefault({ enabled: false })

/** The `transparency` section after defaults, with the key file resolved. */
export interface TransparencyConfig {
  readonly enabled: boolean
  readonly origin: string | null
  /** Absolute path of the signer key file. */
  readonly key_file: string
  readonly checkpoint_every: number
  readonly checkpoint_interval_ms: number
  readonly witnesses: {
    readonly required: number
    readonly list: readonly { readonly url: string; readonly key: string }[]
    readonly timeout_ms: number
  } | null
}

/** Resolves the parsed section against the config file's folder. */
export function resolveTransparency(
  parsed: z.output<typeof transparencySchema>,
  dir: string,
): TransparencyConfig {
  return {
    enabled: parsed.enabled,
    origin: parsed.origin ?? null,
    key_file: isAbsolute(parsed.key_file) ? parsed.key_file : resolve(dir, parsed.key_file),
    checkpoint_every: parsed.checkpoint_every,
    checkpoint_interval_ms: parsed.checkpoint_interval,
    witnesses: parsed.witnesses
      ? {
          required: parsed.witnesses.required,
          list: parsed.witnesses.list,
          timeout_ms: parsed.witnesses.timeout,
        }
      : null,
  }
}
