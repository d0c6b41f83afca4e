/**
 * Runs the LangChain support agent until the graph pauses for a human and
 * prints the Airlock approval it waits on as JSON.
 *
 * Run: node --import jiti/register examples/langchain/start.ts
 *
 * @module
 */
import { HumanMessage } from 'langchain'
import { supportAgent } from './support-agent.js'

const { airlock, agent, config } = await supportAgent()
const result = await agent.invoke(
  { messages: [new HumanMessage('Order o-42 arrived broken; refund it.')] },
  config,
)
const waiting = (result.__interrupt__ ?? []).map((i) => i.value)
console.log(JSON.stringify({ status: waiting.length > 0 ? 'paused' : 'done', waiting }))
await airlock.close()
