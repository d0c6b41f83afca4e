import { describe, expect, it } from 'vitest'
import { runExample } from '../../../examples/ai-sdk/support-agent.js'

describe('examples/ai-sdk', () => {
  it('holds the refund, then makes it once after the approval', async () => {
    const lines: unknown[][] = []
    const result = await runExample((...args) => lines.push(args))
    expect(result).toEqual({ refunds: ['o-7'], text: 'The refund is on its way.' })
    expect(String(lines[0])).toMatch(/waiting for:,refund \(apr-[0-9a-f]{24}\)/)
  })
})
