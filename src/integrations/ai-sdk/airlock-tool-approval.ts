/**
 * `airlockToolApproval()`: the ai@7 `toolApproval` function, answered from
 * Airlock's decision.
 *
 * @module
 */
import type { AiSdkToolApprovalStatus, AiSdkToolCall } from './ai-sdk-types.js'
import { type AiSdkAirlockOptions, actionFor, asInputs, submitWithoutRunning } from './tool-gate.js'

/**
 * A generic `toolApproval` for ai@7's `generateText`, `streamText` and
 * `ToolLoopAgent`: `not-applicable` when policy allows (the governed
 * `execute` runs and audits the call), `denied` with the reason when policy
 * denies or a human rejected, `user-approval` (with the policy's reason, shown
 * to the approver) while Airlock holds the call for approval.
 *
 * @remarks Pair it with tools from {@link toAiSdkTools}: the tools' `execute`
 * is where an approved call actually runs, once, and where a client-side
 * `approved: true` that Airlock has not recorded is refused.
 */
export function airlockToolApproval(
  options: AiSdkAirlockOptions,
): (args: { readonly toolCall: AiSdkToolCall }) => Promise<AiSdkToolApprovalStatus> {
  return async ({ toolCall }) => {
    const action = actionFor(options, toolCall.toolName)
    const inputs = asInputs(toolCall.input)
    const decision = options.airlock.decide(action, inputs, { caller: options.caller })
    if (decision.decision === 'allow') return { type: 'not-applicable' }
    const held = await submitWithoutRunning(options, action, inputs, toolCall.toolCallId)
    switch (held.kind) {
      case 'denied':
        return { type: 'denied', reason: held.message }
      case 'held':
        return {
          type: 'user-approval',
          reason: `${held.approval.reason} (Airlock approval ${held.approval.id})`,
        }
      case 'pass':
        return { type: 'not-applicable' }
    }
  }
}
