/**
 * The slice of the Vercel AI SDK's types this integration reads and writes.
 * Typed here, not imported, so `ai` stays an optional peer and both the ai@6
 * and ai@7 lines fit (their shapes agree on every field used).
 *
 * @module
 */

/** What the SDK passes a tool's `execute` (and, in ai@6, its `needsApproval`). */
export interface AiSdkToolCallOptions {
  readonly toolCallId: string
  readonly messages?: readonly unknown[]
  readonly abortSignal?: AbortSignal
}

/** A tool of a `ToolSet`: only the members this integration touches. */
export interface AiSdkTool {
  readonly description?: string | undefined
  readonly execute?: ((input: never, options: never) => unknown) | undefined
  readonly needsApproval?: unknown
}

/** A tool call as ai@7 hands it to a `toolApproval` function. */
export interface AiSdkToolCall {
  readonly toolCallId: string
  readonly toolName: string
  readonly input: unknown
}

/** ai@7's answer to `toolApproval`. */
export type AiSdkToolApprovalStatus =
  | { readonly type: 'not-applicable' }
  | { readonly type: 'approved' | 'denied' | 'user-approval'; readonly reason?: string }

/** The message part that tells the SDK how a human decided. */
export interface ToolApprovalResponsePart {
  readonly type: 'tool-approval-response'
  readonly approvalId: string
  readonly approved: boolean
  readonly reason?: string
}

/** A model message: `role` and `content` (a string or a list of typed parts). */
export interface AiSdkMessage {
  readonly role: string
  readonly content: unknown
}
