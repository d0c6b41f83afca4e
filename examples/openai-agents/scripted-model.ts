/**
 * A model for running the example without a network: an implementation of
 * the SDK's `Model` interface that asks for a fixed sequence of tool calls,
 * one per turn, then answers with the tool outputs it received.
 *
 * The turn is read from the conversation (how many tool calls it already
 * holds), not from a counter, so a run resumed in another process carries on
 * where it stopped.
 *
 * @module
 */
import { type AgentInputItem, type Model, type ModelRequest, type ModelResponse, Usage } from '@openai/agents'

/** One scripted tool call. */
export interface ScriptedCall {
  readonly tool: string
  readonly args: Record<string, unknown>
}

function outputText(item: AgentInputItem): string | null {
  if (item.type !== 'function_call_result') return null
  const output = item.output
  if (typeof output === 'string') return `${item.name}: ${output}`
  if (Array.isArray(output)) {
    return `${item.name}: ${output.map((part) => ('text' in part ? part.text : '')).join('')}`
  }
  return `${item.name}: ${'text' in output ? output.text : JSON.stringify(output)}`
}

/** A `Model` that calls `script`'s tools in order (call ids `<run_id>-<n>`), then sums up. */
export function scriptedModel(run_id: string, script: readonly ScriptedCall[]): Model {
  const respond = (request: ModelRequest): ModelResponse => {
    const items = typeof request.input === 'string' ? [] : request.input
    const turn = items.filter((item) => item.type === 'function_call').length
    const next = script[turn]
    if (next) {
      return {
        usage: new Usage(),
        output: [
          {
            type: 'function_call',
            callId: `${run_id}-${turn}`,
            name: next.tool,
            arguments: JSON.stringify(next.args),
            status: 'completed',
          },
        ],
      }
    }
    const seen = items.map(outputText).filter((text): text is string => text !== null)
    return {
      usage: new Usage(),
      output: [
        {
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: seen.join('\n') }],
        },
      ],
    }
  }
  return {
    getResponse: async (request) => respond(request),
    getStreamedResponse: () => {
      throw new Error('scriptedModel does not stream; use run() without stream: true')
    },
  }
}
