/**
 * The Slack channel: a message with Approve and Reject buttons.
 *
 * @module
 */
import { AirlockError } from '../../../errors/airlock-error.js'
import { ErrorCode } from '../../../errors/error-codes.js'
import type { Channel } from '../channel.js'
import { callSlack, type SlackApiConfig } from './slack-api.js'
import { approvalMessage } from './slack-message.js'

/** Options of {@link slackChannel}. */
export interface SlackChannelConfig extends SlackApiConfig {
  /** Channel id (`C…`) the requests are posted to. */
  readonly channel: string
}

/**
 * Posts each approval request to a Slack channel (`chat.postMessage`) as a
 * Block Kit message with Approve and Reject buttons. Presses arrive at the
 * gateway's {@link slackInteractions} endpoint, which records the decision.
 */
export function slackChannel(config: SlackChannelConfig): Channel {
  if (!config?.bot_token || !config.channel) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'slackChannel needs bot_token and channel')
  }
  return {
    name: 'slack',
    async notify(notice) {
      const message = approvalMessage(notice)
      await callSlack(config, 'chat.postMessage', {
        channel: config.channel,
        ...message,
        unfurl_links: false,
      })
      return null
    },
  }
}
