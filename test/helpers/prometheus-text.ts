/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for
 * tests: every line must be a HELP, a TYPE or a sample, and every sample
 * must belong to a declared metric family.
 *
 * @module
 */

/** One sample: metric name, labels, value. */
export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|[Nn][Aa][Nn]|[+-]?[Ii]nf)(?: -?\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy

function labelsOf(text: string | undefined, line: string): Record<string, string> {
  const labels: Record<string, string> = {}
  if (!text) return labels
  LABEL.lastIndex = 0
  let consumed = 0
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    consumed = LABEL.lastIndex
  }
  if (consumed !== text.length) throw new Error(`malformed labels: ${line}`)
  return labels
}

/** Parses an exposition; throws on the first line that is not valid. */
export function parsePrometheusText(text: string): Sample[] {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      types.set(type[1]!, type[2]!)
      continue
    }
    if (line.startsWith('# HELP ')) continue
    const m = SAMPLE.exec(line)
    if (!m) throw new Error(`not a sample line: ${line}`)
    const name = m[1]!
    const family = name.replace(/_(bucket|sum|count|total)$/, '')
    if (!types.has(name) && !types.has(family)) throw new Error(`sample of an undeclared metric: ${line}`)
    samples.push({ name, labels: labelsOf(m[2], line), value: Number(m[3]) })
  }
  return samples
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)
}
