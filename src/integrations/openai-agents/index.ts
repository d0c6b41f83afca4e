/**
 * Airlock for the OpenAI Agents SDK (`@openai/agents`, an optional peer):
 * tools whose `needsApproval` and `invoke` go through the pipeline, and runs
 * that pause on an Airlock approval and resume in any process.
 *
 * @example
 * ```ts
 * const tools = toOpenAiAgentsTools([lookupOrder, issueRefund], { airlock, registry })
 * const agent = new Agent({ name: 'support', tools })
 * const result = await run(agent, 'Refund order 42')
 * if (result.interruptions.length > 0) await runs.save(result) // runs = pausedRuns({ airlock, store, seal })
 * ```
 *
 * @module
 */
export {
  type PausedRun,
  type PausedRuns,
  type PausedRunsConfig,
  pausedRuns,
  type ResumeResult,
} from './paused-runs.js'
export { fileRunStates, memoryRunStates, type RunStateStore } from './run-state-store.js'
export { type OpenAiAgentsToolsConfig, toOpenAiAgentsTools } from './to-open-ai-agents-tools.js'
