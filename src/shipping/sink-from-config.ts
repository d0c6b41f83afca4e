/**
 * A sink for each configured shipper.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import type { ShipperConfig } from '../config/shipping-config-schema.js'
import { filesSink } from './files-sink.js'
import { s3Sink } from './s3-sink.js'
import type { Sink } from './sink.js'
import { syslogSink } from './syslog-sink.js'
import { webhookSink } from './webhook-sink.js'

/** What the sinks need to know of the gateway around them. */
export interface SinkContext {
  /** The gateway runs a transparency log, so checkpoints will come (files and S3 wait for one). */
  readonly checkpoints?: boolean
}

/** Builds the sink a `shipping.shippers[]` entry describes (reading a syslog CA file now, so a bad path fails at start). */
export function sinkFromConfig(config: ShipperConfig, context: SinkContext = {}): Sink {
  switch (config.type) {
    case 'files':
      return filesSink({
        dir: config.dir,
        ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
        ...(config.max_bytes === undefined ? {} : { max_bytes: config.max_bytes }),
        ...(config.max_age === undefined ? {} : { max_age_ms: config.max_age }),
        await_checkpoint: context.checkpoints === true,
      })
    case 'webhook':
      return webhookSink({
        url: config.url,
        secret: config.secret,
        ...(config.allow_private === undefined ? {} : { allow_private: config.allow_private }),
        ...(config.max_attempts === undefined ? {} : { max_attempts: config.max_attempts }),
        ...(config.timeout === undefined ? {} : { timeout_ms: config.timeout }),
        ...(config.headers === undefined ? {} : { headers: config.headers }),
      })
    case 's3': {
      const { access_key_id, secret_access_key } = config
      return s3Sink({
        bucket: config.bucket,
        ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
        ...(config.region === undefined ? {} : { region: config.region }),
        ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
        ...(config.force_path_style === undefined ? {} : { force_path_style: config.force_path_style }),
        ...(config.timeout === undefined ? {} : { timeout_ms: config.timeout }),
        ...(access_key_id && secret_access_key ? { credentials: { access_key_id, secret_access_key } } : {}),
        await_checkpoint: context.checkpoints === true,
      })
    }
    case 'syslog': {
      const tls = config.tls
      return syslogSink({
        host: config.host,
        port: config.port,
        ...(tls === undefined || tls === false ? {} : { tls: tlsOptions(tls) }),
        ...(config.facility === undefined ? {} : { facility: config.facility }),
        ...(config.app_name === undefined ? {} : { app_name: config.app_name }),
        ...(config.hostname === undefined ? {} : { hostname: config.hostname }),
      })
    }
  }
}

function tlsOptions(tls: true | { ca_file?: string | undefined; servername?: string | undefined }) {
  if (tls === true) return true
  return {
    ...(tls.ca_file === undefined ? {} : { ca: readFileSync(tls.ca_file, 'utf8') }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  }
}
