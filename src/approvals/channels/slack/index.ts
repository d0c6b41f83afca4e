export { callSlack, type SlackApiConfig } from './slack-api.js'
export { type SlackChannelConfig, slackChannel } from './slack-channel.js'
export {
  type SlackApprover,
  type SlackInteractionsConfig,
  slackInteractions,
} from './slack-interactions.js'
export { APPROVE_ACTION_ID, approvalMessage, REJECT_ACTION_ID, slackEscape } from './slack-message.js'
export { signSlackRequest, verifySlackRequest } from './slack-signature.js'
