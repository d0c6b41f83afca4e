import { describe, expect, it } from 'vitest'
import type { PolicyRequest } from '../policy-rule.js'
import { safeBrowsing } from './safe-browsing.js'

function evaluate(action: string, args: Record<string, unknown>) {
  const request = { action, args, now: new Date(0) } as unknown as PolicyRequest
  const rules = [...safeBrowsing()].sort((a, b) => b.priority - a.priority)
  for (const rule of rules) {
    if (rule.actions.kind === 'test' && !rule.actions.test(action)) continue
    const verdict = rule.evaluate(request)
    if (verdict) return verdict
  }
  return null
}

describe('safe_browsing', () => {
  it('keeps the original rule names and mapped priorities', () => {
    expect(safeBrowsing().map((r) => [r.name, r.priority])).toEqual([
      ['block-internal-urls', 90],
      ['block-file-protocol', 90],
      ['escalate-download', 50],
    ])
  })

  describe('block-internal-urls', () => {
    it.each([
      'http://localhost.:3000/',
      'http://api.localhost/',
      'http://0177.0.0.1/',
      'http://127.0.0.1.nip.io/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[fe80::1%25eth0]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://100.64.0.1/',
      'http://metadata/computeMetadata/v1/',
      'http://intranet/wiki',
      'http://example.com\\@127.0.0.1/',
      'https://%6c%6f%63%61%6c%68%6f%73%74/',
      'gopher://127.0.0.1:6379/_FLUSHALL',
      '  http://127.0.0.1/',
      'ht\ttp://127.0.0.1/',
    ])('denies %s', (url) => {
      expect(evaluate('web_fetch', { url })).toMatchObject({ decision: 'deny', rule: 'block-internal-urls' })
    })

    it('reads bare hosts in URL-named arguments', () => {
      expect(evaluate('http_request', { host: '10.0.0.8:8080' })?.rule).toBe('block-internal-urls')
      expect(evaluate('http_request', { base_url: 'localhost:9200/_cat' })?.rule).toBe('block-internal-urls')
    })

    it('finds URLs nested in other arguments', () => {
      expect(evaluate('browse', { steps: [{ goto: 'http://192.168.0.1/admin' }] })?.rule).toBe(
        'block-internal-urls',
      )
    })

    it.each([
      ['bash', 'curl http://169.254.169.254/latest/meta-data/'],
      ['shell', 'wget -q -O- 127.0.0.1:8080'],
      ['bash', 'curl --resolve example.com:443:127.0.0.1 https://example.com/'],
      ['bash', 'python -c "import urllib.request" http://10.0.0.1/'],
    ])('denies %s running %s', (tool, command) => {
      expect(evaluate(tool, { command })).toMatchObject({ decision: 'deny', rule: 'block-internal-urls' })
    })

    it.each([
      'https://example.com/?next=localhost',
      'https://docs.internal-tools.com/',
      'https://[2606:4700::1111]/',
      'https://1.1.1.1/dns-query',
      'https://example.com/path/127.0.0.1',
    ])('allows %s', (url) => {
      expect(evaluate('web_fetch', { url })).toBeNull()
    })

    it('does not treat header values passed to curl as hosts', () => {
      expect(evaluate('bash', { command: "curl -H 'Host: intranet' https://example.com/" })).toBeNull()
    })
  })

  describe('block-file-protocol', () => {
    it.each(['file:///etc/passwd', 'FILE:///C:/Windows/win.ini', 'File://localhost/etc/hosts'])(
      'denies %s',
      (url) => {
        expect(evaluate('fetch', { url })).toMatchObject({ decision: 'deny', rule: 'block-file-protocol' })
      },
    )

    it('denies file URLs in shell commands', () => {
      expect(evaluate('bash', { command: 'curl file:///etc/shadow' })?.rule).toBe('block-file-protocol')
    })
  })

  describe('escalate-download', () => {
    it.each(['download', 'download_file', 'wget', 'curl', 'Download_Asset'])(
      'holds the tool %s for approval',
      (tool) => {
        expect(evaluate(tool, { url: 'https://example.com/file.zip' })).toMatchObject({
          decision: 'require_approval',
          rule: 'escalate-download',
        })
      },
    )

    it.each([
      'wget https://example.com/x.tgz',
      'curl -sSLo x.tgz https://example.com/x.tgz',
      'curl -O https://example.com/x',
    ])('holds the shell download %s for approval', (command) => {
      expect(evaluate('bash', { command })?.rule).toBe('escalate-download')
    })

    it('lets a plain curl to a public API through', () => {
      expect(evaluate('bash', { command: 'curl -s https://api.example.com/status' })).toBeNull()
    })

    it('still denies a download from an internal host', () => {
      expect(evaluate('download', { url: 'http://127.0.0.1/x' })?.decision).toBe('deny')
    })
  })
})
