/**
 * A sink from one `--to` target: a directory, an http(s) URL, `s3://bucket/prefix`,
 * or `syslog+tcp://host:port` / `syslog+tls://host:port`.
 *
 * @module
 */

import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { filesSink } from './files-sink.js'
import { type S3SinkConfig, s3Sink } from './s3-sink.js'
import type { Sink } from './sink.js'
import { syslogSink } from './syslog-sink.js'
import { webhookSink } from './webhook-sink.js'

/** What a target URL alone cannot say. */
export interface SinkTargetOptions {
  /** Resolves a relative directory. */
  readonly cwd: string
  /** Webhook: the HMAC secret (required for http and https targets). */
  readonly secret?: string
  /** Webhook: allow private, loopback and link-local destinations. */
  readonly allow_private?: boolean
  /** S3: an S3-compatible endpoint, with path-style URLs. */
  readonly endpoint?: string
  /** S3: region. */
  readonly region?: string
  /** S3: static credentials (default: the AWS SDK's own chain). */
  readonly credentials?: S3SinkConfig['credentials']
  /** syslog+tls: a PEM file of CA certificates to trust. */
  readonly ca_file?: string
}

function invalid(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, message)
}

/** The local path of a `file://` target, refused (CONFIG_INVALID) when it names another host or an encoded `/`. */
function filePath(target: string): string {
  try {
    return fileURLToPath(target)
  } catch (error) {
    throw invalid(`the target ${target} is not a local file URL: ${(error as Error).message}`)
  }
}

/** Builds the sink a target names. */
export function sinkFromUrl(target: string, options: SinkTargetOptions): Sink {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase()
  if (scheme === undefined || scheme === 'file') {
    // fileURLToPath decodes the URL's escapes (`%20`), where `pathname` keeps them.
    const path = scheme === 'file' ? filePath(target) : target
    return filesSink({ dir: isAbsolute(path) ? path : resolve(options.cwd, path) })
  }
  if (scheme === 'http' || scheme === 'https') {
    if (!options.secret) throw invalid('a webhook target needs a secret (--secret or AIRLOCK_SHIP_SECRET)')
    return webhookSink({ url: target, secret: options.secret, allow_private: options.allow_private ?? false })
  }
  const url = new URL(target)
  if (scheme === 's3') {
    if (url.hostname === '') throw invalid(`expected s3://<bucket>/<prefix>, got ${target}`)
    return s3Sink({
      bucket: url.hostname,
      prefix: decodeURIComponent(url.pathname.replace(/^\//, '')),
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint, force_path_style: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    })
  }
  if (scheme === 'syslog+tcp' || scheme === 'syslog+tls') {
    if (url.hostname === '' || url.port === '')
      throw invalid(`expected ${scheme}://<host>:<port>, got ${target}`)
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    const ca = options.ca_file ? readFileSync(resolve(options.cwd, options.ca_file), 'utf8') : undefined
    return syslogSink({
      host,
      port: Number(url.port),
      ...(scheme === 'syslog+tls' ? { tls: ca ? { ca } : true } : {}),
    })
  }
  throw invalid(
    `cannot ship to ${scheme}:// (use a directory, https://, s3://, syslog+tcp:// or syslog+tls://)`,
  )
}
