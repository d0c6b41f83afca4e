/**
 * A support agent on the Vercel AI SDK (ai@6) whose tools go through
 * Airlock: looking up an order runs at once, a refund waits for a human, and
 * the paused conversation resumes once someone approves it.
 *
 * The model is the AI SDK's own mock (`ai/test`) playing a fixed script, so
 * the example runs offline; swap in any provider model to use it for real.
 *
 * @module
 */
import { generateText, type ModelMessage, tool } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { ActionRegistry, allowAll, createAirlock, localPrincipal, requireApproval } from 'airlock'
import { resumeMessages, toAiSdkTools } from 'airlock/ai-sdk'
import { z } from 'zod'

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
}

/** The scripted model: first it calls both tools, then it answers. */
function scriptedModel() {
  let turn = 0
  return new MockLanguageModelV3({
    doGenerate: async () =>
      turn++ === 0
        ? {
            content: [
              { type: 'tool-call', toolCallId: 'call-1', toolName: 'getOrder', input: '{"id":"o-7"}' },
              {
                type: 'tool-call',
                toolCallId: 'call-2',
                toolName: 'refund',
                input: '{"id":"o-7","amount":950}',
              },
            ],
            finishReason: { unified: 'tool-calls', raw: undefined },
            usage,
            warnings: [],
          }
        : {
            content: [{ type: 'text', text: 'The refund is on its way.' }],
            finishReason: { unified: 'stop', raw: undefined },
            usage,
            warnings: [],
          },
  })
}

export async function runExample(log: (...args: unknown[]) => void = console.log) {
  const refunds: string[] = []
  const tools = {
    getOrder: tool({
      description: 'Looks an order up',
      inputSchema: z.object({ id: z.string() }),
      execute: async ({ id }) => ({ id, total: 950, status: 'delivered' }),
    }),
    refund: tool({
      description: 'Refunds an order to the card it was paid with',
      inputSchema: z.object({ id: z.string(), amount: z.number() }),
      execute: async ({ id, amount }) => {
        refunds.push(id)
        return { refund_id: `rf_${id}`, amount }
      },
    }),
  }

  // Five lines: a registry, an Airlock with policies, governed tools.
  const registry = new ActionRegistry()
  const airlock = createAirlock({
    actions: registry,
    policies: [allowAll({ actions: ['get_order'] }), requireApproval({ actions: ['refund'] })],
  })
  const governed = toAiSdkTools(tools, { airlock, registry, caller: 'support-agent' })

  const model = scriptedModel()
  const messages: ModelMessage[] = [{ role: 'user', content: 'Refund order o-7, it arrived broken.' }]
  const first = await generateText({ model, tools: governed, messages })
  const conversation = [...messages, ...first.response.messages]
  const waiting = await resumeMessages(conversation, { airlock, caller: 'support-agent' })
  log(
    'waiting for:',
    waiting.waiting.map((w) => `${w.tool_name} (${w.airlock_approval?.id})`),
  )

  // Someone else approves: here in process; in real life the dashboard, Slack, the CLI or the HTTP API.
  const approvalId = waiting.waiting[0]?.airlock_approval?.id ?? ''
  const dana = localPrincipal('dana', { roles: ['approver'] })
  await airlock.approvals.approve(approvalId, { approver: dana, comment: 'damaged in transit' })

  const resumed = await resumeMessages(conversation, { airlock, caller: 'support-agent' })
  const second = await generateText({ model, tools: governed, messages: resumed.messages })
  log('agent:', second.text, '| refunds made:', refunds)
  await airlock.close()
  return { refunds, text: second.text }
}
