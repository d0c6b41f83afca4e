export { type PinnedPostOptions, type PinnedPostResult, pinnedPost } from './pinned-post.js'
export { isPrivateAddress } from './private-address.js'
export { type WebhookChannelConfig, type WebhookPayload, webhookChannel } from './webhook-channel.js'
export {
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from './webhook-signature.js'
