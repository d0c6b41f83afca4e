/**
 * Resumes the paused graph — in a process that never saw it start — with
 * `Command({ resume })`. Airlock's record of the approval decides what runs:
 * approved runs once, rejected reaches the model as the reviewer's reason,
 * still pending pauses the graph again.
 *
 * Run: node --import jiti/register examples/langchain/resume.ts
 *
 * @module
 */
import { Command } from '@langchain/langgraph'
import { supportAgent } from './support-agent.js'

const { airlock, agent, config } = await supportAgent()
const result = await agent.invoke(new Command({ resume: true }), config)
const waiting = (result.__interrupt__ ?? []).map((i) => i.value)
const messages = result.messages.map((m) => ({ type: m.type, name: m.name ?? null, content: m.content }))
console.log(JSON.stringify({ status: waiting.length > 0 ? 'paused' : 'done', waiting, messages }))
await airlock.close()
