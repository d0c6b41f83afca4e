import { setTimeout as sleep } from 'node:timers/promises'
import type { Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { UsageError } from '../usage-error.js'
import { openStoreFromFlags, type StoreFlags, withStoreOption } from './store-option.js'

interface ShipFlags extends StoreFlags {
  to: string
  name?: string
  secret?: string
  allowPrivate?: boolean
  endpoint?: string
  region?: string
  ca?: string
  batchSize?: string
  attempts?: string
}

function whole(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new UsageError(`${name} must be a whole number from 1 to ${max}, got '${value}'`)
  return Number(value)
}

/** `airlock audit ship --to <target>`: a one-off catch-up of the chain to a receiver. */
export function registerAuditShip(audit: Command, io: CliIo, setExit: (code: number) => void): void {
  withStoreOption(
    audit
      .command('ship')
      .description('copy the audit chain, in order, to a directory, webhook, S3 or syslog, then exit')
      .requiredOption(
        '--to <target>',
        'a directory, https://…, s3://bucket/prefix, syslog+tcp://host:port or syslog+tls://host:port',
      )
      .option('--name <name>', 'resume from and advance this shipper cursor (default: ship everything)')
      .option('--secret <secret>', 'webhook HMAC secret (default: AIRLOCK_SHIP_SECRET)')
      .option('--allow-private', 'webhook: allow private, loopback and link-local addresses')
      .option('--endpoint <url>', 's3: an S3-compatible endpoint (path-style)')
      .option('--region <region>', 's3: the region')
      .option('--ca <file>', 'syslog+tls: PEM file of CA certificates to trust')
      .option('--batch-size <n>', 'events per delivery', '500')
      .option('--attempts <n>', 'tries per batch before giving up', '5'),
  ).action(async (flags: ShipFlags) => {
    const batchSize = whole('--batch-size', flags.batchSize, 500, 10_000)
    const attempts = whole('--attempts', flags.attempts, 5, 100)
    const secret = flags.secret ?? io.env.AIRLOCK_SHIP_SECRET
    const { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secretKey, AWS_SESSION_TOKEN: token } = io.env
    // Loaded here, not with the CLI: only a shipment needs the sinks and their clients.
    const [{ backoffDelay }, { createShipper }, { sinkFromUrl }, { memoryShipperCursors }] =
      await Promise.all([
        import('../../shipping/backoff.js'),
        import('../../shipping/shipper.js'),
        import('../../shipping/sink-from-url.js'),
        import('../../store/memory/memory-shipper-cursors.js'),
      ])
    const sink = sinkFromUrl(flags.to, {
      cwd: io.cwd,
      ...(secret ? { secret } : {}),
      ...(flags.allowPrivate ? { allow_private: true } : {}),
      ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.ca ? { ca_file: flags.ca } : {}),
      ...(keyId && secretKey
        ? {
            credentials: {
              access_key_id: keyId,
              secret_access_key: secretKey,
              ...(token ? { session_token: token } : {}),
            },
          }
        : {}),
    })
    const store = await openStoreFromFlags(io, flags, true)
    try {
      await store.migrate()
      // Without --name, a throwaway cursor: everything from the start, nothing stored.
      const cursors = flags.name ? store : { ...store, shipping: memoryShipperCursors() }
      const shipper = createShipper({
        name: flags.name ?? 'one-off',
        store: cursors,
        sink,
        batch_size: batchSize,
      })
      let shipped = 0
      for (let attempt = 1; ; attempt++) {
        try {
          shipped += await shipper.pass()
          break
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          if (attempt >= attempts) {
            await shipper.stop()
            io.stderr.write(`shipping failed after ${attempt} attempt(s): ${message}\n`)
            setExit(ExitCode.RUNTIME)
            return
          }
          io.stderr.write(`attempt ${attempt} failed: ${message}; retrying\n`)
          await sleep(backoffDelay(attempt, { initial_ms: 500, max_ms: 10_000 }))
        }
      }
      await shipper.stop()
      const { cursor } = shipper.status()
      io.stdout.write(`shipped ${shipped} event(s) to ${flags.to}; up to seq ${cursor}\n`)
    } finally {
      await store.close()
    }
  })
}
