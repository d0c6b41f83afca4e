/**
 * Redaction configuration: its options, their schema and how they resolve
 * to the values the other redaction modules use.
 *
 * @module
 */
import { z } from 'zod'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

/** What replaces a redacted value unless configured otherwise. */
export const DEFAULT_MASK = '**REDACTED**'

/** Nesting depth past which the rest of a value is replaced by {@link TRUNCATED_MARKER}. */
export const DEFAULT_MAX_DEPTH = 64

/** Options for {@link createRedactor}; snake_case because it is also read from configuration files. */
export interface RedactionConfig {
  /** Extra sensitive key terms, matched by the same rules as the defaults. */
  readonly keys?: readonly string[] | undefined
  /** Keys that are never redacted by key (compared after normalisation, whole key only). Values are still scanned. */
  readonly allow_keys?: readonly string[] | undefined
  /** Use only `keys`, not {@link DEFAULT_SENSITIVE_KEYS}. */
  readonly replace_default_keys?: boolean | undefined
  /** Replacement text; `**REDACTED**` by default. */
  readonly mask?: string | undefined
  /** Extra value patterns (RE2 syntax, linear time); every match inside a string is masked. */
  readonly patterns?: readonly string[] | undefined
  /** Nesting depth past which the remainder is replaced by `[Truncated]`; 64 by default. */
  readonly max_depth?: number | undefined
}

/** Schema of {@link RedactionConfig}, for configuration loaders. */
export const redactionConfigSchema = z
  .object({
    keys: z.array(z.string().min(1)).optional(),
    allow_keys: z.array(z.string().min(1)).optional(),
    replace_default_keys: z.boolean().optional(),
    mask: z.string().min(1).optional(),
    patterns: z.array(z.string().min(1)).optional(),
    max_depth: z.number().int().min(1).max(1000).optional(),
  })
  .strict()

/** A configuration error with stable code CONFIG_INVALID; zod issues go in `details`. */
export function configError(message: string, issues?: unknown): AirlockError {
  return new AirlockError(
    ErrorCode.CONFIG_INVALID,
    message,
    issues === undefined ? {} : { details: { issues } },
  )
}

/** Validates `config`, throwing {@link configError} with the first issue first. */
export function checkRedactionConfig(config: RedactionConfig): void {
  const parsed = redactionConfigSchema.safeParse(config)
  if (!parsed.success)
    throw configError(`redaction: ${parsed.error.issues[0]?.message ?? 'invalid'}`, parsed.error.issues)
}
