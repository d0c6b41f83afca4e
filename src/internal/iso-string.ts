/**
 * `Date.prototype.toISOString()`, formatted once per millisecond: under load
 * many requests share a millisecond, and formatting costs ten times the
 * comparison.
 */
export class IsoFormatter {
  #lastTime = Number.NaN
  #lastText = ''

  /** The ISO text of `time` (epoch ms). */
  format(time: number): string {
    if (time !== this.#lastTime) {
      this.#lastText = new Date(time).toISOString()
      this.#lastTime = time
    }
    return this.#lastText
  }
}

const shared = new IsoFormatter()

/** `date.toISOString()` through a shared {@link IsoFormatter}: for times near now (audit events). */
export function isoString(date: Date): string {
  return shared.format(date.getTime())
}
