/**
 * Making untrusted text safe to show an approver, and saying plainly when
 * the display had to cut it.
 *
 * @module
 */
import { createHash } from 'node:crypto'

// C0/C1 controls (ESC sequences could rewrite the terminal), and the
// invisible or direction-changing characters that make text read differently
// from what it is: zero-width, bidi embeddings/overrides/isolates, line and
// paragraph separators, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

/** Escapes control, zero-width and bidi characters as `\u{...}` and cuts `text` to `max` characters. */
export function displayText(text: string, max = 2000): string {
  const safe = text.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe
}

/** A value as one line of display text: strings quoted, other values as JSON. */
export function displayValue(value: unknown, max = 500): string {
  let text: string
  if (value === undefined) text = 'undefined'
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  return displayText(text, max)
}

/**
 * The argument list to show for a notice's inputs. Guarded functions send
 * `{ args: [...] }` or `{ args: { name: value } }`; a single object argument
 * (the tool-call shape) is shown field by field.
 */
export function noticeArguments(inputs: unknown): [string, unknown][] {
  let shown: unknown = inputs
  if (typeof inputs === 'object' && inputs !== null && Object.keys(inputs).length === 1 && 'args' in inputs) {
    shown = (inputs as { args: unknown }).args
    if (
      Array.isArray(shown) &&
      shown.length === 1 &&
      typeof shown[0] === 'object' &&
      shown[0] !== null &&
      !Array.isArray(shown[0])
    ) {
      shown = shown[0]
    }
  }
  return typeof shown === 'object' && shown !== null ? Object.entries(shown as Record<string, unknown>) : []
}

/** The arguments a channel shows, and whether anything was left out or cut. */
export interface ArgumentView {
  readonly entries: readonly (readonly [string, string])[]
  /** Arguments not shown at all. */
  readonly hidden: number
  /** True when an argument was left out or a value cut: the approver did not see the whole request. */
  readonly truncated: boolean
}

/** At most `max_entries` arguments, each value cut to `max_chars`, and whether that hid anything. */
export function argumentView(inputs: unknown, max_entries: number, max_chars: number): ArgumentView {
  const all = noticeArguments(inputs)
  let cut = false
  const entries = all.slice(0, max_entries).map(([key, value]) => {
    const full = displayValue(value, Number.MAX_SAFE_INTEGER)
    const shown = displayValue(value, max_chars)
    if (shown !== full) cut = true
    return [key, shown] as const
  })
  const hidden = Math.max(0, all.length - max_entries)
  return { entries, hidden, truncated: cut || hidden > 0 }
}

/** Size in bytes and SHA-256 of the (redacted) inputs as JSON, so a cut display can be checked against the whole. */
export function inputsDigest(inputs: unknown): { readonly bytes: number; readonly sha256: string } {
  const json = JSON.stringify(inputs ?? null)
  return { bytes: Buffer.byteLength(json), sha256: createHash('sha256').update(json).digest('hex') }
}

/** The sentence a channel shows when it cut the inputs: full size, hash, and where to read them whole. */
export function truncationNotice(approval_id: string, inputs: unknown): string {
  const { bytes, sha256 } = inputsDigest(inputs)
  return (
    `Inputs truncated for display: the full (redacted) inputs are ${bytes} bytes, sha256 ${sha256}. ` +
    `Read them whole with \`airlock approval show ${approval_id}\` or GET /approvals/${approval_id}.`
  )
}
