import { describe, expect, it } from 'vitest'
import { captureCli } from '../../test/helpers/capture-cli.js'
import { checkGatewayUrl } from './gateway-url.js'

describe('gateway URL check', () => {
  it('accepts https anywhere and plain http to this machine', () => {
    for (const url of [
      'https://airlock.example.com',
      'http://127.0.0.1:8420',
      'http://127.8.0.1',
      'http://localhost:8420/airlock',
      'http://[::1]:8420',
    ]) {
      expect(checkGatewayUrl(url, false)).toBe(url)
    }
  })

  it('refuses plain http to another host unless insecure is given', () => {
    for (const url of ['http://10.0.0.5:8420', 'http://airlock.example.com', 'http://127.0.0.1.nip.io']) {
      expect(() => checkGatewayUrl(url, false)).toThrow(/in clear.*--insecure/)
      expect(checkGatewayUrl(url, true)).toBe(url)
    }
  })

  it('airlock approval list refuses AIRLOCK_URL over http to a remote host before sending the key', async () => {
    const env = { AIRLOCK_URL: 'http://192.0.2.10:8420', AIRLOCK_API_KEY: 'ak_secret' }
    const run = await captureCli(['approval', 'list'], process.cwd(), env)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--insecure')
    expect(run.stderr).not.toContain('ak_secret')
  })
})
