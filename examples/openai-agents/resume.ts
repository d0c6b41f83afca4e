/**
 * Resumes a paused support run once Airlock's approval is decided — in a
 * process that never saw the run start — and prints how it ended as JSON.
 *
 * Run: node --import jiti/register examples/openai-agents/resume.ts <approval-id>
 *
 * @module
 */
import { supportAgent } from './support-agent.js'

const approvalId = process.argv[2]
if (!approvalId) throw new Error('usage: resume.ts <approval-id>')
const { airlock, agent, runs, runner } = await supportAgent()
const resumed = await runs.resume(agent, approvalId)
if (resumed.status === 'pending') {
  console.log(JSON.stringify({ status: 'pending', pending: resumed.pending }))
} else {
  const result = await runner.run(agent, resumed.state)
  console.log(JSON.stringify({ status: 'done', output: result.finalOutput }))
}
await airlock.close()
