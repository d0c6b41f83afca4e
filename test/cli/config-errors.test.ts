import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runAirlock } from '../helpers/airlock-binary.js'

const tmp = mkdtempSync(join(tmpdir(), 'airlock-config-errors-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function project(name: string, config: string): string {
  const dir = join(tmp, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir)
  writeFileSync(join(dir, 'airlock.config.yaml'), config)
  return dir
}

describe('airlock validate on a config with mistakes', () => {
  it('reports every problem in one run, each with the fix', async () => {
    const dir = project(
      'three',
      [
        'store: memory',
        'server:',
        '  prot: 8080',
        '  log_level: loud',
        'auth:',
        '  api_keys:',
        '    - id: ci',
        '      roles: [deployer]',
        '',
      ].join('\n'),
    )
    const r = await runAirlock(['validate'], dir)
    expect(r.code).toBe(3)
    const file = join(dir, 'airlock.config.yaml')
    expect(r.stderr).toContain('4 problems:')
    expect(r.stderr).toContain(`${file}:3:9: server.prot: unknown key 'prot' (did you mean 'port'?)`)
    expect(r.stderr).toContain(
      `${file}:4:14: server.log_level: 'loud' is not allowed; expected one of fatal, error, warn, info, debug, trace, silent`,
    )
    expect(r.stderr).toContain("auth.api_keys[0].sha256: missing required key 'sha256'")
    expect(r.stderr).toContain("auth.api_keys[0].actor_id: missing required key 'actor_id'")
  })

  it('names a repeated key and its line', async () => {
    const dir = project('dup', 'store: memory\nauth:\n  anonymous: true\nauth:\n  anonymous: false\n')
    const r = await runAirlock(['validate'], dir)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(
      `${join(dir, 'airlock.config.yaml')}:4:1: duplicate key 'auth': each key may appear only once in a map`,
    )
  })

  it('reports a repeated key together with the schema problems', async () => {
    const dir = project(
      'dup-and-schema',
      'store: memory\nserver: { prot: 1 }\nauth:\n  anonymous: true\nauth:\n  anonymous: yes\n',
    )
    const r = await runAirlock(['validate'], dir)
    expect(r.code).toBe(3)
    const file = join(dir, 'airlock.config.yaml')
    expect(r.stderr).toContain('3 problems:')
    expect(r.stderr).toContain(`${file}:2:17: server.prot: unknown key 'prot' (did you mean 'port'?)`)
    expect(r.stderr).toContain(`${file}:5:1: duplicate key 'auth'`)
    expect(r.stderr).toContain(`${file}:6:14: auth.anonymous: expected boolean, got string ('yes')`)
  })

  it('reports unset variables together with schema problems', async () => {
    const dir = project(
      'env',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference in the config file
      'store: memory\nserver: { port: 8080, hots: x }\nauth:\n  jwt: { issuer: "${ISSUER}", audience: a, secret: s }\n',
    )
    const r = await runAirlock(['validate'], dir)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('2 problems:')
    expect(r.stderr).toContain("unknown key 'hots' (did you mean 'host'?)")
    expect(r.stderr).toContain('ISSUER')
  })
})

describe('airlock check with a mistyped action name', () => {
  it('suggests the nearest declared action', async () => {
    const r = await runAirlock(
      ['check', 'issue_refnd'],
      resolve(import.meta.dirname, '../../examples/quickstart'),
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("hint: 'issue_refnd' is not a declared action; did you mean 'issue_refund'?")
  })
})
