import { describe, expect, it } from 'vitest'
import { ActionRegistry } from '../../actions/action-registry.js'
import { createAirlock } from '../../airlock.js'
import { allowAll } from '../../policy/rules/index.js'
import { resumeMessages, toAiSdkTools } from './index.js'

function airlockWithRegistry() {
  const registry = new ActionRegistry()
  return {
    registry,
    airlock: createAirlock({ actions: registry, policies: [allowAll({ actions: ['echo'] })] }),
  }
}

const echo = { description: 'Echo', execute: async (input: { n: number }) => input }

describe('toAiSdkTools', () => {
  it('registers each tool as an action named in snake_case', () => {
    const { registry, airlock } = airlockWithRegistry()
    toAiSdkTools({ echo, getWeather: echo }, { airlock, registry, caller: 'a' })
    expect(registry.get('get_weather')).toMatchObject({ description: 'Echo', risk: 'medium' })
    // Wrapping again (per request, per caller) reuses the actions.
    expect(() => toAiSdkTools({ echo }, { airlock, registry, caller: 'b' })).not.toThrow()
  })

  it('refuses tools that do not run here, and names that cannot be actions', () => {
    const { registry, airlock } = airlockWithRegistry()
    expect(() =>
      toAiSdkTools({ webSearch: { description: 'provider tool' } }, { airlock, registry, caller: 'a' }),
    ).toThrow(/Tool 'webSearch' has no execute function/)
    expect(() => toAiSdkTools({ ünï: echo }, { airlock, registry, caller: 'a' })).toThrow(
      /Tool 'ünï' has no valid action name/,
    )
    expect(() =>
      toAiSdkTools({ ünï: echo }, { airlock, registry, caller: 'a', actions: { ünï: 'uni' } }),
    ).not.toThrow()
  })

  it('runs an allowed call and replays it for the same tool-call id', async () => {
    const { registry, airlock } = airlockWithRegistry()
    let runs = 0
    const tools = toAiSdkTools(
      { echo: { execute: async (input: { n: number }) => ({ n: input.n, run: ++runs }) } },
      { airlock, registry, caller: 'a' },
    )
    const execute = tools.echo.execute as (input: unknown, options: unknown) => Promise<unknown>
    expect(await execute({ n: 1 }, { toolCallId: 'c1', messages: [] })).toEqual({ n: 1, run: 1 })
    expect(await execute({ n: 1 }, { toolCallId: 'c1', messages: [] })).toEqual({ n: 1, run: 1 })
    expect(runs).toBe(1)
  })
})

describe('resumeMessages', () => {
  it('ignores messages that carry no approval requests, whatever their shape', async () => {
    const { airlock } = airlockWithRegistry()
    const messages = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [null, 3, { type: 'text', text: 'x' }] },
    ]
    const result = await resumeMessages(messages, { airlock, caller: 'a' })
    expect(result).toMatchObject({ ready: false, responses: [], waiting: [] })
    expect(result.messages).toEqual(messages)
  })
})
