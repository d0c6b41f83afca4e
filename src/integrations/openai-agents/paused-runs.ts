/**
 * `pausedRuns()`: file an interrupted OpenAI Agents run with its Airlock approvals, resume it anywhere.
 *
 * @module
 */
import { type Agent, RunState, type RunToolApprovalItem } from '@openai/agents'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { denialMessage } from '../../guard/denial-message.js'
import { type Airlock, createSealer, type Principal, type SealerConfig } from '../../index.js'
import { toDenial } from '../tool-call/govern-tool-call.js'
import { toolActionName } from '../tool-call/tool-action.js'
import type { RunStateStore } from './run-state-store.js'
import { parseArguments } from './to-open-ai-agents-tools.js'

/** Configuration of {@link pausedRuns}. */
export interface PausedRunsConfig {
  readonly airlock: Airlock
  /** The agent's identity: the same caller the tools were governed with. Default `agent`. */
  readonly caller?: Principal | string
  /** Where the sealed run states wait (`fileRunStates(dir)` to resume in another process). */
  readonly store: RunStateStore
  /**
   * Keys that seal run states at rest (AES-256-GCM, bound to the approval
   * id). Every process that resumes needs the same keys.
   */
  readonly seal: SealerConfig
}

/** What {@link PausedRuns.save} filed. */
export interface PausedRun {
  /** One Airlock approval per interrupted tool call; the run is filed under each. */
  readonly approval_ids: readonly string[]
  /** Interruptions that are not Airlock's (a tool outside `toOpenAiAgentsTools`); left as they are. */
  readonly other_interruptions: number
}

// biome-ignore lint/suspicious/noExplicitAny: any agent, whatever its context and output types.
type AnyAgent = Agent<any, any>

/** What {@link PausedRuns.resume} found. */
export type ResumeResult<TAgent extends AnyAgent = AnyAgent> =
  /** Some approvals are still undecided: nothing was changed. */
  | { readonly status: 'pending'; readonly pending: readonly string[] }
  /** Every Airlock approval is decided and marked on the state: pass it to `run(agent, state)`. */
  | { readonly status: 'ready'; readonly state: RunState<unknown, TAgent> }

export interface PausedRuns {
  /** Files the approvals of an interrupted run's tool calls and stores its state, sealed, with each. */
  // biome-ignore lint/suspicious/noExplicitAny: a run of any context type.
  save(result: { readonly state: RunState<any, AnyAgent> }): Promise<PausedRun>
  /**
   * Loads the run filed under `approval_id` and marks each interruption as
   * Airlock decided it: approved (the call runs when the run continues,
   * exactly once) or rejected with the reviewer's reason for the model.
   */
  resume<TAgent extends AnyAgent>(agent: TAgent, approval_id: string): Promise<ResumeResult<TAgent>>
  /** Removes the stored state (all of its approval ids). */
  forget(approval_id: string): Promise<void>
}

interface StoredRun {
  readonly v: 1
  readonly state: string
  /** Tool-call id → approval id. */
  readonly calls: Readonly<Record<string, string>>
}

const aad = (approval_id: string): string => `openai-agents:run:${approval_id}`

function callOf(item: RunToolApprovalItem): { call_id: string; name: string; args: string } | null {
  const raw = item.rawItem
  if (raw.type !== 'function_call') return null
  return { call_id: raw.callId, name: raw.name, args: raw.arguments }
}

function isStoredRun(value: unknown): value is StoredRun {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<StoredRun>
  return v.v === 1 && typeof v.state === 'string' && typeof v.calls === 'object' && v.calls !== null
}

/**
 * Pause and resume OpenAI Agents runs on Airlock approvals.
 *
 * @remarks The run state is serialised with `state.toString()` (tracing API
 * keys are left out, as the SDK does by default), sealed, and stored under
 * every approval id of the run. Note that the SDK serialises the run
 * `context` too: keep credentials out of it. Resuming never trusts the
 * stored state about approvals: each item is marked from Airlock's record,
 * and the tool's `invoke` checks Airlock again before anything runs.
 */
export function pausedRuns(config: PausedRunsConfig): PausedRuns {
  if (typeof config?.airlock?.execute !== 'function' || typeof config.store?.put !== 'function') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'pausedRuns needs { airlock, store, seal }')
  }
  const sealer = createSealer(config.seal)
  const { airlock, store } = config
  const caller = config.caller ?? 'agent'

  const file = async (item: RunToolApprovalItem): Promise<[string, string] | null> => {
    const call = callOf(item)
    if (call === null) return null
    const action = toolActionName(call.name)
    if (airlock.getAction(action)?.meta.integration !== 'openai-agents') return null
    const inputs = parseArguments(call.args) ?? {}
    // Same action, inputs and key as the tool's invoke will use: the approval is found again there.
    const outcome = await airlock.execute(action, inputs, { caller, idempotency_key: call.call_id })
    return outcome.status === 'pending_approval' ? [call.call_id, outcome.approval_id] : null
  }

  const load = async (approval_id: string): Promise<StoredRun> => {
    const text = await store.get(approval_id)
    if (text === null) {
      throw new AirlockError(ErrorCode.APPROVAL_NOT_FOUND, `No paused run is filed under '${approval_id}'`)
    }
    const stored = sealer.open(text, aad(approval_id))
    if (!isStoredRun(stored))
      throw new AirlockError(
        ErrorCode.SEAL_INVALID,
        `The run filed under '${approval_id}' is not a run state`,
      )
    return stored
  }

  return {
    async save(result) {
      const interruptions = result.state.getInterruptions()
      const calls: Record<string, string> = {}
      for (const item of interruptions) {
        const filed = await file(item)
        if (filed) calls[filed[0]] = filed[1]
      }
      const approval_ids = [...new Set(Object.values(calls))]
      const stored: StoredRun = { v: 1, state: result.state.toString({ includeTracingApiKey: false }), calls }
      await Promise.all(approval_ids.map((id) => store.put(id, sealer.seal(stored, aad(id)))))
      return { approval_ids, other_interruptions: interruptions.length - Object.keys(calls).length }
    },

    async resume(agent, approval_id) {
      const stored = await load(approval_id)
      const state = await RunState.fromString<unknown, typeof agent>(agent, stored.state)
      const pending: string[] = []
      const marks: Array<() => void> = []
      for (const item of state.getInterruptions()) {
        const call = callOf(item)
        const id = call ? stored.calls[call.call_id] : undefined
        if (id === undefined || call === null) continue
        const approval = await airlock.approvals.get(caller, id)
        if (approval.status === 'pending') pending.push(id)
        else if (approval.status === 'rejected' || approval.status === 'expired') {
          const message = denialMessage(toDenial(call.name, approval.reason, approval))
          marks.push(() => state.reject(item, { message }))
        } else marks.push(() => state.approve(item))
      }
      if (pending.length > 0) return { status: 'pending', pending }
      for (const mark of marks) mark()
      return { status: 'ready', state }
    },

    async forget(approval_id) {
      const stored = await load(approval_id)
      await Promise.all(
        [...new Set([approval_id, ...Object.values(stored.calls)])].map((id) => store.delete(id)),
      )
    },
  }
}
