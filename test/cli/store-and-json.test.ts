import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runAirlock } from '../helpers/airlock-binary.js'

const tmp = mkdtempSync(join(tmpdir(), 'airlock-store-json-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A project folder whose config keeps its store in `db/airlock.db`. */
function project(name: string): string {
  const dir = join(tmp, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'airlock.config.yaml'),
    'store: sqlite:./db/airlock.db\nseal: { key_file: ./db/seal.key }\nauth: { anonymous: true }\ndashboard: { enabled: false }\n',
  )
  return dir
}

describe('airlock migrate', () => {
  it("migrates the config's store and says how many migrations it applied", async () => {
    const dir = project('migrate')
    const first = await runAirlock(['migrate', '--config', 'airlock.config.yaml'], dir)
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^sqlite store: \d+ migrations? applied\n$/)
    const again = await runAirlock(['migrate'], dir)
    expect(again.stdout).toBe('sqlite store already up to date\n')
    const json = await runAirlock(['migrate', '--json'], dir)
    expect(JSON.parse(json.stdout)).toEqual({ store: 'sqlite', applied: 0 })
  })
})

describe('airlock audit', () => {
  it('reads the store of the project config', async () => {
    const dir = project('audit')
    await runAirlock(['migrate'], dir)
    const r = await runAirlock(['audit', 'verify', '--config', join(dir, 'airlock.config.yaml')], tmp)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('VALID — 0 event(s), chain intact')
  })

  it('outside a project, says how to point it at a store', async () => {
    const empty = join(tmp, 'nowhere')
    mkdirSync(empty)
    const r = await runAirlock(['audit', 'verify'], empty)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'error: no store found: no airlock.config.yaml here or above, and no ./.airlock/airlock.db; pass --store sqlite:<path> (or postgres://…), --config <airlock.config.yaml>, set AIRLOCK_STORE, or run this inside a project folder',
    )
  })
})

describe('--json', () => {
  it('puts errors on stdout as JSON too', async () => {
    const dir = join(tmp, 'bad')
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'airlock.config.yaml'),
      'store: memory\nauth: { anonymous: true }\nserver: { prot: 1 }\n',
    )
    const r = await runAirlock(['validate', '--json'], dir)
    expect(r.code).toBe(3)
    const body = JSON.parse(r.stdout)
    expect(body.error.code).toBe('CONFIG_INVALID')
    expect(body.error.issues[0]).toMatchObject({
      field: 'server.prot',
      line: 3,
      message: "unknown key 'prot' (did you mean 'port'?)",
    })
    const usage = await runAirlock(['check', '--json'], dir)
    expect(usage.code).toBe(2)
    expect(JSON.parse(usage.stdout).error).toMatchObject({ code: 'USAGE' })
  })

  it('is accepted by keys generate', async () => {
    const r = await runAirlock(['keys', 'generate', '--json'], tmp)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
  })
})
