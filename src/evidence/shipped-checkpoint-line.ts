/**
 * Reading the checkpoint line a shipped file or object ends with, and
 * checking its signature.
 *
 * @remarks The line is `{"checkpoint":{origin, size, root, note}}`, plus
 * `"consistency":{from, proof}` on an S3 object that ends before its
 * checkpoint: the RFC 6962 consistency proof (base64 hashes) from the tree of
 * the object's last seq to the checkpoint's tree. Everything but the note is
 * unsigned, so the stated fields must agree with the note.
 *
 * @module
 */
import { z } from 'zod'
import { canonicalJson } from '../audit/canonical-json.js'
import { decodeProof } from './audit-evidence.js'
import { openCheckpoint, type SignedCheckpoint } from './checkpoint.js'
import type { NoteVerifier } from './note-keys.js'
import { toHex } from './rfc6962.js'

/** A signed checkpoint line, with the consistency proof it carries, if any. */
export interface ShippedCheckpoint {
  readonly checkpoint: SignedCheckpoint
  readonly consistency?: { readonly from: number; readonly proof: readonly Uint8Array[] }
}

const lineShape = z.strictObject({
  checkpoint: z.strictObject({
    origin: z.string(),
    size: z.number().int().nonnegative(),
    root: z.string(),
    note: z.string(),
  }),
  consistency: z
    .strictObject({ from: z.number().int().nonnegative(), proof: z.array(z.string()) })
    .optional(),
})

type Line = z.infer<typeof lineShape>

function parseLine(raw: string): Line | { readonly error: string } {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    return { error: `the checkpoint line is not JSON: ${(error as Error).message}` }
  }
  const parsed = lineShape.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return { error: `the checkpoint line's ${issue.path.join('.') || 'value'}: ${issue.message}` }
  }
  if (canonicalJson(value) !== raw) {
    return {
      error: 'the checkpoint line is not in canonical form (it was edited or written by another tool)',
    }
  }
  return parsed.data
}

function openNote(line: Line, log: NoteVerifier, origin: string | undefined) {
  try {
    return openCheckpoint(line.checkpoint.note, log, origin)
  } catch (error) {
    const why = (error as Error).message
    return {
      error: why.includes('no valid signature')
        ? `the checkpoint line: ${why}: the checkpoint was forged or altered, or --key is not this log's key`
        : `the checkpoint line's note: ${why}`,
    }
  }
}

function alteredField(line: Line, cp: SignedCheckpoint): string | null {
  const stated = { origin: cp.origin, size: cp.size, root: toHex(cp.root) }
  for (const field of ['origin', 'size', 'root'] as const) {
    if (line.checkpoint[field] !== stated[field]) {
      return `the checkpoint line's ${field} (${String(line.checkpoint[field])}) differs from its signed note (${String(stated[field])}): the line was altered`
    }
  }
  return null
}

/**
 * The sizes a checkpoint line states, read without its signature (no key at
 * hand): enough to tell events cut off before the line, never to vouch for
 * the line itself.
 */
export function checkpointLineSizes(
  raw: string,
): { readonly size: number; readonly from?: number } | { readonly error: string } {
  const line = parseLine(raw)
  if ('error' in line) return line
  const { size } = line.checkpoint
  return line.consistency ? { size, from: line.consistency.from } : { size }
}

/**
 * Reads a checkpoint line and checks its signature by `log` (and its origin,
 * once known); returns the checkpoint and proof, or why the line is not one.
 */
export function openCheckpointLine(
  raw: string,
  log: NoteVerifier,
  origin: string | undefined,
): ShippedCheckpoint | { readonly error: string } {
  const line = parseLine(raw)
  if ('error' in line) return line
  const cp = openNote(line, log, origin)
  if ('error' in cp) return cp
  const altered = alteredField(line, cp)
  if (altered !== null) return { error: altered }
  if (!line.consistency) return { checkpoint: cp }
  try {
    const proof = decodeProof(line.consistency.proof)
    return { checkpoint: cp, consistency: { from: line.consistency.from, proof } }
  } catch (error) {
    return { error: `the checkpoint line's consistency proof: ${(error as Error).message}` }
  }
}
