import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from '../errors/config-error.js'
import { parseYaml, validateYaml } from './yaml-source.js'

const schema = z.strictObject({ port: z.number(), host: z.string().optional() })

function problems(text: string): string[] {
  try {
    validateYaml(parseYaml('f.yaml', text), schema)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return error.issues.map((i) => `${i.line}:${i.column}: ${i.field ? `${i.field}: ` : ''}${i.message}`)
  }
  return []
}

describe('YAML problems are reported together', () => {
  it('lists a repeated key with the schema problems, in file order', () => {
    expect(problems('port: x\nhots: a\nport: 2\n')).toEqual([
      "2:7: hots: unknown key 'hots' (did you mean 'host'?)",
      "3:1: duplicate key 'port': each key may appear only once in a map (the later one would silently replace the first)",
    ])
  })

  it('refuses a repeated key even when the rest is valid', () => {
    expect(problems('port: 1\nport: 2\n')).toEqual([
      "2:1: duplicate key 'port': each key may appear only once in a map (the later one would silently replace the first)",
    ])
  })

  it('gives a located error for a map key that is a list or a map, with no process warning', () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      const message = 'a map key must be a plain value (a name, number or boolean), not a map or a list'
      expect(problems('port: 1\n? [a, b]\n: 1\n')).toEqual([`2:3: ${message}`])
      expect(problems('{ port: 1, {a: 1}: 2 }')).toEqual([`1:12: ${message}`])
      expect(problems('port: &k [1]\nhost: { *k : 3 }\n')).toEqual([`2:9: ${message}`])
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).toEqual([])
  })
})
