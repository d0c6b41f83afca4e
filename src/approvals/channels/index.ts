/**
 * Channels: where held calls reach the humans who decide them.
 *
 * @module
 */
export type {
  ApprovalNotice,
  Channel,
  ChannelDecision,
  NotificationResult,
  NotifyOptions,
} from './channel.js'
export { displayText, displayValue, noticeArguments } from './display-text.js'
export * from './slack/index.js'
export * from './terminal/index.js'
export * from './webhook/index.js'
