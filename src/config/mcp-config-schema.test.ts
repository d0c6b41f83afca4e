import { describe, expect, it } from 'vitest'
import { mcpConfigSchema } from './mcp-config-schema.js'

describe('mcp config section', () => {
  it('applies defaults and reads durations', () => {
    const parsed = mcpConfigSchema.parse({
      wait: '2m',
      proxy: { namespace: 'fs', tools: { read_file: { risk: 'low' } } },
    })
    expect(parsed).toMatchObject({ http: false, wait: 120_000, progress_interval: 5_000, elicitation: true })
    expect(parsed.proxy).toMatchObject({ unknown_tools: 'require_approval', call_timeout: 600_000 })
  })

  it('rejects a bad namespace, an unknown risk, an unknown key and a non-http upstream URL, naming each', () => {
    const result = mcpConfigSchema.safeParse({
      wait: 'soon',
      proxy: {
        namespace: 'File System',
        upstream: { url: 'ftp://x' },
        tools: { write_file: { risk: 'spicy', aproval_required: true } },
      },
    })
    expect(result.success).toBe(false)
    const paths = result.error!.issues.map((i) => i.path.join('.'))
    expect(paths).toEqual(
      expect.arrayContaining([
        'wait',
        'proxy.namespace',
        'proxy.upstream.url',
        'proxy.tools.write_file.risk',
        'proxy.tools.write_file',
      ]),
    )
  })
})
