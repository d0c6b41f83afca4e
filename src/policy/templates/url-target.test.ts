import { describe, expect, it } from 'vitest'
import { inspectUrl } from './url-target.js'

describe('inspectUrl', () => {
  it('ignores strings that are not URLs unless told to assume http', () => {
    expect(inspectUrl('hello world', false)).toBeNull()
    expect(inspectUrl('Host: intranet', false)).toBeNull()
    expect(inspectUrl('C:\\Users\\me', false)).toBeNull()
    expect(inspectUrl('localhost:8080', true)?.internal).toContain('localhost')
  })

  it('reads special schemes without slashes the way browsers do', () => {
    expect(inspectUrl('http:127.0.0.1/x', false)?.internal).toContain('loopback')
  })

  it('checks both readings of a backslash in the authority', () => {
    expect(inspectUrl('http://127.0.0.1\\@example.com/', false)?.internal).not.toBeNull()
    expect(inspectUrl('http://example.com\\@127.0.0.1/', false)?.internal).not.toBeNull()
  })

  it('reports the scheme in lower case', () => {
    expect(inspectUrl('FILE:///etc/passwd', false)).toMatchObject({ scheme: 'file', internal: null })
  })

  it('passes a public URL', () => {
    expect(inspectUrl('https://user:pw@example.com:8443/a?b=127.0.0.1#localhost', false)).toMatchObject({
      scheme: 'https',
      internal: null,
    })
  })
})
