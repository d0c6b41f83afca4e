/**
 * Audit shipping: copy committed audit events, in chain order and at least
 * once, to files, a webhook, S3 or syslog, resuming from a stored cursor.
 *
 * @module
 */
export { type BackoffOptions, backoffDelay } from './backoff.js'
export { checkpointLine, eventLines } from './batch-lines.js'
export { type FilesSinkConfig, filesSink } from './files-sink.js'
export { type S3ClientLike, type S3SinkConfig, s3Sink } from './s3-sink.js'
export {
  createShipper,
  type Shipper,
  type ShipperLogger,
  type ShipperOptions,
  type ShipperStatus,
} from './shipper.js'
export { type ShippingService, startShipping } from './shipping-service.js'
export type { ShipBatch, Sink } from './sink.js'
export { sinkFromConfig } from './sink-from-config.js'
export { type SinkTargetOptions, sinkFromUrl } from './sink-from-url.js'
export { octetFrame, type SyslogFormat, syslogMessage } from './syslog-format.js'
export { type SyslogSinkConfig, syslogSink } from './syslog-sink.js'
export { type AuditWebhookPayload, type WebhookSinkConfig, webhookSink } from './webhook-sink.js'
