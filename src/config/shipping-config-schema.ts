/**
 * The `shipping` section of a configuration file: audit shippers that
 * `airlock serve` runs beside the gateway.
 *
 * @example
 * ```yaml
 * shipping:
 *   shippers:
 *     - { name: archive, type: files, dir: ./audit-archive, max_bytes: 64mb, max_age: 1h }
 *     - { name: soc, type: webhook, url: https://soc.example.com/airlock, secret: ${AUDIT_HOOK_SECRET} }
 *     - { name: lake, type: s3, bucket: audit-logs, prefix: airlock/ }
 *     - { name: siem, type: syslog, host: siem.internal, port: 6514, tls: true }
 * ```
 *
 * @module
 */
import { isIP } from 'node:net'
import { isAbsolute, normalize, resolve } from 'node:path'
import { z } from 'zod'
import { isPrivateAddress } from '../approvals/channels/webhook/private-address.js'
import {
  byteSize,
  callTimeout,
  duration,
  nonEmpty,
  wholeAtLeast,
  window,
} from './config-schema-primitives.js'

const shipperName = z
  .string({ error: 'expected a shipper name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "expected a name of letters, digits, '.', '_', ':' or '-'")

const port = z.int({ error: 'expected a port number' }).min(1).max(65535)

const filesShipper = z.strictObject({
  name: shipperName,
  type: z.literal('files'),
  /** Relative to the config file. */
  dir: nonEmpty,
  prefix: nonEmpty.optional(),
  max_bytes: byteSize.optional(),
  max_age: window.optional(),
})

const webhookShipper = z.strictObject({
  name: shipperName,
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http or https URL' }),
  secret: nonEmpty,
  allow_private: z.boolean().optional(),
  max_attempts: wholeAtLeast(1).optional(),
  timeout: callTimeout.optional(),
  headers: z.record(nonEmpty, z.string()).optional(),
})

const s3Shipper = z.strictObject({
  name: shipperName,
  type: z.literal('s3'),
  bucket: nonEmpty,
  prefix: z.string().optional(),
  region: nonEmpty.optional(),
  endpoint: z.url({ error: 'expected an endpoint URL' }).optional(),
  force_path_style: z.boolean().optional(),
  /** The longest one upload may take (default 2 minutes). */
  timeout: callTimeout.optional(),
  /** Static credentials; both or neither (default: the AWS SDK's own chain). */
  access_key_id: nonEmpty.optional(),
  secret_access_key: nonEmpty.optional(),
})

const syslogShipper = z.strictObject({
  name: shipperName,
  type: z.literal('syslog'),
  host: nonEmpty,
  port,
  /** `true`, or `{ ca_file }` (relative to the config file) to trust a private CA. */
  tls: z
    .union([z.boolean(), z.strictObject({ ca_file: nonEmpty.optional(), servername: nonEmpty.optional() })])
    .optional(),
  facility: z.int().min(0).max(23).optional(),
  app_name: nonEmpty.optional(),
  hostname: nonEmpty.optional(),
})

/** One shipper, by `type`. */
export const shipperConfigSchema = z.discriminatedUnion(
  'type',
  [filesShipper, webhookShipper, s3Shipper, syslogShipper],
  {
    error: 'expected a shipper with type files, webhook, s3 or syslog',
  },
)

/**
 * What every delivery to this URL would be refused for, said at load rather
 * than in the log of each attempt: credentials in the URL, or an address
 * literal that is private without `allow_private`. Host names are checked
 * when they are resolved, at each delivery.
 */
function webhookUrlProblem(url: string, allowPrivate: boolean): string | null {
  const parsed = new URL(url)
  if (parsed.username !== '' || parsed.password !== '') {
    return 'a webhook URL may not carry a user name or password; the receiver checks the signature instead'
  }
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
    return `${host} is a private, loopback or link-local address; set allow_private: true to send there`
  }
  return null
}

export const shippingSchema = z
  .strictObject({
    /** Events per delivery. */
    batch_size: wholeAtLeast(1).max(10_000).default(500),
    /** Pause between passes once caught up. */
    poll_interval: duration.default(1_000),
    /** Longest wait between retries of a failing receiver. */
    max_backoff: window.default(60_000),
    shippers: z.array(shipperConfigSchema).default([]),
  })
  .superRefine((shipping, ctx) => {
    const seen = new Set<string>()
    // Two files shippers writing the same files would append to the same `.part` file, interleaved.
    const files = new Map<string, string>()
    shipping.shippers.forEach((s, i) => {
      if (s.type === 'files') {
        const where = `${normalize(s.dir).replace(/(.)\/+$/, '$1')}\u0000${s.prefix ?? 'audit'}`
        const other = files.get(where)
        if (other !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['shippers', i, 'dir'],
            message: `shipper '${s.name}' writes the same files as '${other}' (same dir and prefix); give each its own dir or prefix`,
          })
        files.set(where, s.name)
      }
      if (seen.has(s.name))
        ctx.addIssue({
          code: 'custom',
          path: ['shippers', i, 'name'],
          message: `duplicate shipper name '${s.name}'`,
        })
      seen.add(s.name)
      if (s.type === 'webhook') {
        const problem = webhookUrlProblem(s.url, s.allow_private === true)
        if (problem !== null) ctx.addIssue({ code: 'custom', path: ['shippers', i, 'url'], message: problem })
      }
      if (s.type === 's3' && (s.access_key_id === undefined) !== (s.secret_access_key === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['shippers', i],
          message: 'expected both access_key_id and secret_access_key, or neither',
        })
      }
    })
  })

/** One configured shipper, paths absolute. */
export type ShipperConfig = z.output<typeof shipperConfigSchema>

/** `shipping:` after defaults, durations in ms, paths absolute. */
export interface ResolvedShippingConfig {
  readonly batch_size: number
  readonly poll_interval_ms: number
  readonly max_backoff_ms: number
  readonly shippers: readonly ShipperConfig[]
}

/** Resolves the section's paths against the config file's folder; null when there is no section. */
export function resolveShipping(
  parsed: z.output<typeof shippingSchema> | undefined,
  dir: string,
): ResolvedShippingConfig | null {
  if (parsed === undefined) return null
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p))
  return {
    batch_size: parsed.batch_size,
    poll_interval_ms: parsed.poll_interval,
    max_backoff_ms: parsed.max_backoff,
    shippers: parsed.shippers.map((s) => {
      if (s.type === 'files') return { ...s, dir: at(s.dir) }
      if (s.type === 'syslog' && typeof s.tls === 'object' && s.tls.ca_file !== undefined) {
        return { ...s, tls: { ...s.tls, ca_file: at(s.tls.ca_file) } }
      }
      return s
    }),
  }
}
