import { dynamicTool, generateText, tool } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { describeAiSdkLine } from './scenario.js'

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
}

describeAiSdkLine({
  name: 'ai@6 (needsApproval)',
  generateText,
  tool,
  dynamicTool,
  toolApproval: false,
  scriptedModel: (script) => {
    const prompts: unknown[] = []
    let step = 0
    const model = new MockLanguageModelV3({
      doGenerate: async (options) => {
        prompts.push(options.prompt)
        const content = script[step++] ?? [{ type: 'text', text: 'end of script' }]
        const calls = content.some((part) => part.type === 'tool-call')
        return {
          content: content as never,
          finishReason: { unified: calls ? 'tool-calls' : 'stop', raw: undefined },
          usage,
          warnings: [],
        }
      },
    })
    return { model, prompts }
  },
})
