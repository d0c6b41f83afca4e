let lastTime = Number.NaN
let lastText = ''

/**
 * `date.toISOString()`, formatted once per millisecond: under load many
 * audit events share a millisecond, and formatting costs ten times the
 * comparison.
 */
export function isoString(date: Date): string {
  const time = date.getTime()
  if (time !== lastTime) {
    lastText = date.toISOString()
    lastTime = time
  }
  return lastText
}
