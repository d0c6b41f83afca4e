/**
 * `airlock/ai-sdk`: Airlock inside the Vercel AI SDK (ai@6 `needsApproval`,
 * ai@7 `toolApproval`), with approvals that survive the process and resume
 * through the SDK's own `tool-approval-response` messages.
 *
 * @module
 */
export type {
  AiSdkMessage,
  AiSdkTool,
  AiSdkToolApprovalStatus,
  AiSdkToolCall,
  AiSdkToolCallOptions,
  ToolApprovalResponsePart,
} from './ai-sdk-types.js'
export { airlockToolApproval } from './airlock-tool-approval.js'
export { type OpenApprovalRequest, type ResumeResult, resumeMessages } from './resume-messages.js'
export { type ToAiSdkToolsOptions, toAiSdkTools } from './to-ai-sdk-tools.js'
export type { AiSdkAirlockOptions } from './tool-gate.js'
