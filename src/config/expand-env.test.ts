// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are configuration values holding literal ${VAR} references.
import { describe, expect, it } from 'vitest'
import { type EnvProblem, expandEnv } from './expand-env.js'

describe('expandEnv', () => {
  it('replaces references in nested string values and leaves keys and other values alone', () => {
    const problems: EnvProblem[] = []
    const out = expandEnv(
      { '${KEY}': 'x', list: ['a-${A}', 3, true], nested: { url: 'postgres://u:${PW}@db/x' } },
      { A: '1', PW: 's3cret', KEY: 'never' },
      problems,
    )
    expect(out).toEqual({
      '${KEY}': 'x',
      list: ['a-1', 3, true],
      nested: { url: 'postgres://u:s3cret@db/x' },
    })
    expect(problems).toEqual([])
  })

  it('reports every unset variable with the path of the value that names it', () => {
    const problems: EnvProblem[] = []
    expandEnv({ seal: { keys: { k1: '${SEAL_K1}' } }, other: ['${NOPE}'] }, {}, problems)
    expect(problems).toEqual([
      { path: ['seal', 'keys', 'k1'], message: expect.stringContaining('SEAL_K1 is not set') },
      { path: ['other', 0], message: expect.stringContaining('NOPE is not set') },
    ])
  })

  it('keeps $${ as a literal ${ and rejects malformed references', () => {
    const problems: EnvProblem[] = []
    expect(expandEnv('cost: $${PRICE}', {}, problems)).toBe('cost: ${PRICE}')
    expandEnv('${not a name}', {}, problems)
    expect(problems[0]?.message).toMatch(/not a variable reference/)
  })
})
