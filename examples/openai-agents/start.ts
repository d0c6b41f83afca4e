/**
 * Runs the support agent until it must wait for a human, files the paused
 * run with its Airlock approval, and prints the approval ids as JSON.
 *
 * Run: node --import jiti/register examples/openai-agents/start.ts
 *
 * @module
 */
import { supportAgent } from './support-agent.js'

const { airlock, agent, runs, runner } = await supportAgent()
const result = await runner.run(agent, 'Order o-42 arrived broken; please refund it.')
if (result.interruptions.length > 0) {
  const paused = await runs.save(result)
  console.log(JSON.stringify({ status: 'paused', approval_ids: paused.approval_ids }))
} else {
  console.log(JSON.stringify({ status: 'done', output: result.finalOutput }))
}
await airlock.close()
