/**
 * Making untrusted text safe to show an approver.
 *
 * @module
 */

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
