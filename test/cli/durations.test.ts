import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeJwt } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { issueIdentityToken } from '../../src/identity/tokens/identity-token.js'
import { createKeySet } from '../../src/identity/tokens/key-set.js'
import { runAirlock } from '../helpers/airlock-binary.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-durations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const cli = (argv: string[]) => runAirlock(argv, dir)

describe('duration flags', () => {
  it('delegation create --ttl takes 5m as well as plain seconds, and says what it expects otherwise', async () => {
    const generated = await cli(['keys', 'generate'])
    writeFileSync(join(dir, 'key.json'), generated.stdout)
    const keySet = await createKeySet({ keys: [JSON.parse(generated.stdout)] })
    const root = await issueIdentityToken(keySet, { sub: 'orchestrator', roles: ['reader'], audience: 'gw' })
    const create = (ttl: string) =>
      cli(['delegation', 'create', root, '--sub', 'worker', '--key-file', 'key.json', '--ttl', ttl])

    const lifetime = (token: string) => {
      const claims = decodeJwt(token)
      return (claims.exp ?? 0) - (claims.iat ?? 0)
    }
    const minutes = await create('5m')
    expect(minutes.code).toBe(0)
    expect(lifetime(minutes.stdout.trim())).toBe(300)
    const seconds = await create('90')
    expect(seconds.code).toBe(0)
    expect(lifetime(seconds.stdout.trim())).toBe(90)
    const bad = await create('soon')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      "error: --ttl must be a duration of whole seconds such as 30s, 15m, 1h or 7d, got 'soon'",
    )
  })
})
