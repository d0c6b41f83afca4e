import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { closeDefaultGuardRuntime, defaultGuardRuntime } from './default-guard-runtime.js'
import { guardStateDir } from './guard-state-dir.js'

describe('the guard state folder', () => {
  const home = '/home/dev'

  it('is $XDG_STATE_HOME/airlock when XDG_STATE_HOME is an absolute path, on any platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(guardStateDir({ env: { XDG_STATE_HOME: '/srv/state' }, platform, home })).toBe(
        join('/srv/state', 'airlock'),
      )
    }
  })

  it('ignores a relative XDG_STATE_HOME, which could point into the working tree', () => {
    expect(guardStateDir({ env: { XDG_STATE_HOME: 'state' }, platform: 'linux', home })).toBe(
      join(home, '.local', 'state', 'airlock'),
    )
  })

  it('follows each platform’s convention otherwise', () => {
    expect(guardStateDir({ env: {}, platform: 'linux', home })).toBe(join(home, '.local', 'state', 'airlock'))
    expect(guardStateDir({ env: {}, platform: 'darwin', home })).toBe(
      join(home, 'Library', 'Application Support', 'airlock'),
    )
    expect(
      guardStateDir({ env: { LOCALAPPDATA: '/c/Users/dev/AppData/Local' }, platform: 'win32', home }),
    ).toBe(join('/c/Users/dev/AppData/Local', 'airlock'))
  })
})

describe('the default guard runtime', () => {
  const dirs: string[] = []
  afterEach(async () => {
    await closeDefaultGuardRuntime()
    vi.unstubAllEnvs()
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('keeps its store in the user state folder, created 0700, and nothing in the working directory', async () => {
    const state = mkdtempSync(join(tmpdir(), 'airlock-state-'))
    dirs.push(state)
    vi.stubEnv('XDG_STATE_HOME', state)
    const hadLocal = existsSync('.airlock')

    await defaultGuardRuntime()

    const folder = join(state, 'airlock')
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(join(folder, 'airlock.db')).mode & 0o777).toBe(0o600)
    expect(statSync(join(folder, 'seal.key')).mode & 0o777).toBe(0o600)
    expect(existsSync('.airlock')).toBe(hadLocal)
  })
})
