/**
 * Human in the loop: the approval service,
 * approval policies, and channels that reach a human (terminal, webhook,
 * Slack). The Slack interactions endpoint is a Hono app and is exported from
 * `airlock/http`.
 *
 * @module
 */
export { ApprovalService, type ApprovalsConfig } from './approval-service.js'
export type {
  ApprovalNotice,
  Channel,
  ChannelDecision,
  NotificationResult,
  NotifyOptions,
} from './channels/channel.js'
export { type SlackChannelConfig, slackChannel } from './channels/slack/slack-channel.js'
export * from './channels/terminal/index.js'
export * from './channels/webhook/index.js'
export * from './policy/index.js'
