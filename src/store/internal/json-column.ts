/**
 * JSON columns. `undefined` has no JSON form, so it is stored as SQL NULL and
 * read back as `null` — the same value every backend returns.
 */
export function toJsonColumn(value: unknown): string | null {
  if (value === undefined) return null
  return JSON.stringify(value) ?? null
}

/** Inverse of {@link toJsonColumn}. */
export function fromJsonColumn(text: string | null | undefined): unknown {
  return text === null || text === undefined ? null : JSON.parse(text)
}

/** What the value looks like after a trip through a JSON column. */
export function jsonRoundTrip<T>(value: T): T {
  return fromJsonColumn(toJsonColumn(value)) as T
}
