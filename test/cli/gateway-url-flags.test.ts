/**
 * Every command that sends AIRLOCK_API_KEY to a `--url` refuses plain
 * http:// to another machine unless told `--insecure`, so a key is never
 * sent in clear by accident.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runAirlock } from '../helpers/airlock-binary.js'

const REMOTE = 'http://gateway.example.invalid:8420'
const KEY = { AIRLOCK_API_KEY: 'test-key-not-secret' }

const COMMANDS: Record<string, readonly string[]> = {
  run: ['run', 'issue_refund', '--url', REMOTE],
  freeze: ['freeze', '--all', '--reason', 'drill', '--url', REMOTE],
  unfreeze: ['unfreeze', 'frz-1', '--url', REMOTE],
  'policy show': ['policy', 'show', '--url', REMOTE],
}

describe('--url over plain http:// to another host', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'airlock-url-'))

  for (const [name, argv] of Object.entries(COMMANDS)) {
    it(`${name} refuses it before sending the key`, async () => {
      const run = await runAirlock(argv, cwd, KEY)
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('refusing to send the API key in clear to gateway.example.invalid:8420')
      expect(run.stderr).toContain('--insecure')
    })

    it(`${name} goes ahead with --insecure (and then cannot reach the host)`, async () => {
      const run = await runAirlock([...argv, '--insecure'], cwd, KEY)
      expect(run.stderr).not.toContain('refusing to send the API key')
      // 5: the gateway could not be reached, so the request was really attempted.
      expect(run.code).toBe(5)
    })
  }

  it('takes the URL from AIRLOCK_URL as well', async () => {
    const run = await runAirlock(['policy', 'show'], cwd, { ...KEY, AIRLOCK_URL: REMOTE })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('refusing to send the API key in clear')
  })
})
