import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import pino from 'pino'
import type { Airlock } from '../../airlock.js'
import { createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import { findConfigFile, loadConfig } from '../../config/load-config.js'
import type { ResolvedConfig } from '../../config/resolved-config.js'
import { DEMO_TICKET, seedDemo } from '../../dashboard/demo-seed.js'
import { holdHangups } from '../../server/hold-hangups.js'
import { startPolicyTriggers } from '../../server/policy-triggers.js'
import { startServer } from '../../server/start-server.js'
import { startShipping } from '../../shipping/shipping-service.js'
import type { CliIo } from '../cli-io.js'
import { UsageError } from '../usage-error.js'
import { VERSION } from '../version.js'

interface ServeFlags {
  config?: string
  port?: string
  host?: string
  store?: string
}

/** --port: a whole number from 0 to 65535 (0 picks a free port and prints it). */
export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(
      `--port must be a whole number from 1 to 65535 (or 0 for any free port), got '${value}'`,
    )
  }
  return Number(value)
}

/** The config named by --config, or the one in the working folder. */
export async function configFromFlags(io: CliIo, path: string | undefined): Promise<ResolvedConfig> {
  const file = path === undefined ? findConfigFile(io.cwd) : resolve(io.cwd, path)
  if (file === null) {
    throw new UsageError(
      'no airlock.config.yaml here; pass --config <file> or create one with `airlock init`',
    )
  }
  return loadConfig(file, { env: io.env })
}

/** A store URL from a flag, with a relative SQLite path taken from the working folder. */
export function storeFromFlag(io: CliIo, url: string): string {
  if (url.startsWith('sqlite:') && url !== 'sqlite::memory:' && !url.startsWith('sqlite://')) {
    return `sqlite:${resolve(io.cwd, url.slice('sqlite:'.length))}`
  }
  return url
}

/** The MCP endpoint at `/mcp`, loaded only when configured (its SDK is an optional peer). */
async function mcpMount(airlock: Airlock, config: ResolvedConfig) {
  const { mcpHttpApp } = await import('../../mcp/index.js')
  const mcp = config.mcp
  const app = mcpHttpApp(airlock, {
    body_limit: config.server.body_limit,
    ...(mcp
      ? {
          held: {
            wait_ms: mcp.wait,
            progress_interval_ms: mcp.progress_interval,
            elicitation: mcp.elicitation,
          },
        }
      : {}),
  })
  return [{ path: '/mcp', app }]
}

/** Every file and folder the policy set is loaded from. */
function watchedPaths(config: ResolvedConfig): string[] {
  return [
    ...config.policies,
    ...config.actions,
    ...config.modules,
    ...(config.inventory === null ? [] : [config.inventory]),
  ]
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('serve the HTTP API of a config file until SIGINT or SIGTERM')
    .option('--config <file>', 'airlock.config.yaml, .ts or .mjs (default: the one in the working folder)')
    .option('--port <n>', 'port to listen on, overriding server.port (0 picks a free one)')
    .option('--host <address>', 'address to listen on, overriding server.host')
    .option('--store <url>', 'store URL, overriding store: sqlite:<path>, postgres://..., or memory')
    .action(async (flags: ServeFlags) => {
      const hangups = holdHangups()
      const port = flags.port === undefined ? undefined : parsePort(flags.port)
      if (flags.host !== undefined && flags.host.trim() === '')
        throw new UsageError('--host must not be empty')
      const config = await configFromFlags(io, flags.config)
      const logger = pino(
        {
          level: config.server.log_level,
          base: { service: 'airlock' },
          // Belt and braces: nothing logs these today, and nothing ever should.
          redact: {
            paths: ['authorization', '*.authorization', 'api_key', '*.api_key', 'inputs', '*.inputs'],
            remove: true,
          },
        },
        io.stdout as pino.DestinationStream,
      )
      const configured = await createAirlockFromConfig(config, {
        ...(flags.store === undefined ? {} : { store: storeFromFlag(io, flags.store) }),
      })
      const { airlock, httpOptions, server } = configured
      const seeded = config.dashboard.demo ? await seedDemo(airlock) : 0
      // Beside the server, on their own timers; stopped before the store closes.
      let shipping: ReturnType<typeof startShipping> | null = null
      let running: Awaited<ReturnType<typeof startServer>>
      try {
        if (config.shipping?.shippers.length) shipping = startShipping(config.shipping, airlock.store, logger)
        if (shipping && configured.metrics) configured.metrics.shipperLag(shipping.lag)
        running = await startServer({
          airlock,
          auth: httpOptions.auth,
          auth_throttle: httpOptions.auth_throttle,
          base_path: httpOptions.base_path,
          body_limit: httpOptions.body_limit,
          mount: httpOptions.mount,
          admin_roles: httpOptions.admin_roles,
          reload: configured.reload,
          auditor_roles: httpOptions.auditor_roles,
          approver_roles: httpOptions.approver_roles,
          ...(httpOptions.metrics ? { metrics: httpOptions.metrics } : {}),
          ...(httpOptions.tracing ? { tracing: httpOptions.tracing } : {}),
          ...(config.mcp?.http ? { authenticated_mount: await mcpMount(airlock, config) } : {}),
          host: flags.host ?? server.host,
          port: port ?? server.port,
          logger,
          sweep_interval_ms: config.approvals.sweep_interval_ms,
          shutdown_timeout_ms: server.shutdown_timeout_ms,
        })
      } catch (error) {
        await shipping?.stop()
        await airlock.close().catch(() => undefined)
        throw error
      }

      const transparency = configured.transparency
      if (transparency) {
        if (transparency.key_created) {
          logger.info({ key_file: transparency.key_file }, 'created the transparency log signing key')
        }
        try {
          await transparency.start(logger)
        } catch (error) {
          await shipping?.stop()
          await running.close().catch(() => undefined)
          throw error
        }
        logger.info(
          { origin: transparency.origin, verifier_key: transparency.verifier_key },
          'transparency log checkpointing',
        )
        io.stderr.write(
          `transparency: log ${transparency.origin}, verifier key ${transparency.verifier_key}\n`,
        )
      }

      const close = async () => {
        await shipping?.stop()
        await running.close()
      }

      const shown = relative(io.cwd, config.file) || config.file
      const base = httpOptions.base_path === '/' ? '' : httpOptions.base_path.replace(/\/+$/, '')
      io.stderr.write(
        `airlock ${VERSION} serving ${shown} (${airlock.store.kind} store, ${airlock.actions().length} actions, policy ${airlock.policy.current().version})\n`,
      )
      if (server.banner !== null) io.stderr.write(`${server.banner}\n`)
      if (seeded > 0) {
        io.stderr.write(
          `demo: seeded ${seeded} sample requests (ticket ${DEMO_TICKET}) into the empty audit chain\n`,
        )
      }
      if (config.dashboard.enabled) io.stderr.write(`dashboard: ${running.url}${base}/ui\n`)
      if (shipping) {
        io.stderr.write(`shipping audit events to ${shipping.shippers.map((x) => x.name).join(', ')}\n`)
      }
      if (config.auth.anonymous) {
        io.stderr.write('warning: auth is anonymous: anyone who can reach this port may call actions\n')
      }
      if (config.auth.trusted_headers !== null && config.auth.trusted_headers.shared_secret === undefined) {
        io.stderr.write(
          'warning: trusted_headers without shared_secret: anyone who reaches this port can claim any identity\n',
        )
      }
      // Last, so whoever waits for this line (scripts, tests) has seen everything above it.
      io.stderr.write(`listening on ${running.url}${base}\n`)
      logger.info({ url: running.url, store: airlock.store.kind, config: config.file }, 'listening')

      let signals = 0
      const onSignal = (signal: NodeJS.Signals) => {
        signals++
        if (signals === 1) {
          logger.info({ signal }, 'signal received; finishing in-flight requests')
          close().catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
        } else {
          logger.warn({ signal }, 'second signal; dropping open connections')
          running.close({ force: true }).catch(() => undefined)
        }
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
      const stopTriggers = startPolicyTriggers({
        reload: configured.reload,
        logger,
        held: hangups,
        watch: config.policy.watch ? watchedPaths(config) : null,
        debounce_ms: config.policy.watch_debounce_ms,
        ...(airlock.store.policy_head && airlock.store.kind !== 'memory'
          ? {
              announcements: {
                store: airlock.store.policy_head,
                feed: airlock.store.changes,
                interval_ms: config.policy.announce_interval_ms,
                current: () => airlock.policy.current().hash,
              },
            }
          : {}),
      })
      try {
        await running.closed
      } finally {
        stopTriggers()
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
      io.stderr.write('airlock stopped\n')
    })
}
