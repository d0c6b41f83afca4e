import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import type pino from 'pino'
import { findConfigFile, loadConfig } from '../../config/load-config.js'
import type { ResolvedConfig } from '../../config/resolved-config.js'
import { DEMO_TICKET } from '../../dashboard/demo-seed.js'
import { type HeldHangups, holdHangups } from '../../server/hold-hangups.js'
import { type RunningGateway, startGateway } from '../../server/start-gateway.js'
import { sqliteUrlFrom } from '../../store/sqlite-url.js'
import type { CliIo } from '../cli-io.js'
import { bannerLogger, LOG_FORMATS, type LogFormatSetting, serveLogger } from '../log/serve-logger.js'
import { UsageError } from '../usage-error.js'
import { VERSION } from '../version.js'

interface ServeFlags {
  config?: string
  port?: string
  host?: string
  store?: string
  logFormat?: string
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
  return sqliteUrlFrom(io.cwd, url)
}

/** --log-format: auto, json or pretty. */
export function parseLogFormat(value: string): LogFormatSetting {
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}, got '${value}'`)
  }
  return value as LogFormatSetting
}

/** The log every part of the gateway writes to: --log-format, else `server.log_format`. */
function gatewayLogger(config: ResolvedConfig, io: CliIo, format: LogFormatSetting | undefined): pino.Logger {
  return serveLogger({
    level: config.server.log_level,
    format: format ?? config.server.log_format,
    stdout: io.stdout,
    colour: io.stdout.isTTY === true && !io.env.NO_COLOR,
  })
}

/** What is being served and how, through the log; the `listening on` line comes last. */
function logBanner(log: pino.Logger, io: CliIo, config: ResolvedConfig, gateway: RunningGateway): void {
  const { airlock, server: running, seeded, shipping, transparency } = gateway
  if (transparency) {
    log.info(
      { origin: transparency.origin, verifier_key: transparency.verifier_key },
      `transparency: log ${transparency.origin}, verifier key ${transparency.verifier_key}`,
    )
  }
  const shown = relative(io.cwd, config.file) || config.file
  const base = config.server.base_path === '/' ? '' : config.server.base_path.replace(/\/+$/, '')
  const store = airlock.store.kind
  const actions = airlock.actions().length
  const policy = airlock.policy.current().version
  log.info(
    { version: VERSION, config: config.file, store, actions, policy },
    `airlock ${VERSION} serving ${shown} (${store} store, ${actions} actions, policy ${policy})`,
  )
  if (config.server.banner !== null) log.info({}, config.server.banner)
  if (seeded > 0) {
    log.info(
      { seeded, ticket: DEMO_TICKET },
      `demo: seeded ${seeded} sample requests (ticket ${DEMO_TICKET}) into the empty audit chain`,
    )
  }
  if (config.dashboard.enabled)
    log.info({ url: `${running.url}${base}/ui` }, `dashboard: ${running.url}${base}/ui`)
  if (shipping) {
    const names = shipping.shippers.map((x) => x.name)
    log.info({ shippers: names }, `shipping audit events to ${names.join(', ')}`)
  }
  if (config.auth.anonymous) {
    log.warn({}, 'auth is anonymous: anyone who can reach this port may call actions')
  }
  if (config.auth.trusted_headers !== null && config.auth.trusted_headers.shared_secret === undefined) {
    log.warn({}, 'trusted_headers without shared_secret: anyone who reaches this port can claim any identity')
  }
  // Last, so whoever waits for this line (scripts, tests) has seen everything above it.
  log.info({ url: `${running.url}${base}` }, `listening on ${running.url}${base}`)
}

/** Waits until the gateway has closed: the first SIGINT or SIGTERM drains it, a second drops connections. */
async function untilClosed(gateway: RunningGateway, logger: pino.Logger): Promise<void> {
  let signals = 0
  const onSignal = (signal: NodeJS.Signals) => {
    signals++
    if (signals === 1) {
      logger.info({ signal }, 'signal received; finishing in-flight requests')
      gateway.close().catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
    } else {
      logger.warn({ signal }, 'second signal; dropping open connections')
      gateway.close({ force: true }).catch(() => undefined)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    await gateway.closed
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** A gateway `serve` started, with the config and logger it runs on. */
interface Served {
  readonly config: ResolvedConfig
  readonly logger: pino.Logger
  readonly gateway: RunningGateway
}

/** Reads the config `flags` name and starts its gateway; hangups `held` meanwhile are answered once it runs. */
async function startServe(io: CliIo, flags: ServeFlags, held: HeldHangups): Promise<Served> {
  const port = flags.port === undefined ? undefined : parsePort(flags.port)
  const format = flags.logFormat === undefined ? undefined : parseLogFormat(flags.logFormat)
  if (flags.host !== undefined && flags.host.trim() === '') throw new UsageError('--host must not be empty')
  const config = await configFromFlags(io, flags.config)
  const logger = gatewayLogger(config, io, format)
  const gateway = await startGateway({
    config,
    logger,
    held,
    ...(flags.store === undefined ? {} : { store: storeFromFlag(io, flags.store) }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(port === undefined ? {} : { port }),
  })
  return { config, logger, gateway }
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('serve the HTTP API of a config file until SIGINT or SIGTERM')
    .option('--config <file>', 'airlock.config.yaml, .ts or .mjs (default: the one in the working folder)')
    .option('--port <n>', 'port to listen on, overriding server.port (0 picks a free one)')
    .option('--host <address>', 'address to listen on, overriding server.host')
    .option('--store <url>', 'store URL, overriding store: sqlite:<path>, postgres://..., or memory')
    .option(
      '--log-format <format>',
      'auto (pretty on a terminal, else JSON), json or pretty; overrides server.log_format',
    )
    .action(async (flags: ServeFlags) => {
      // From the first moment: Node's default for SIGHUP would end a gateway that is still loading.
      const held = holdHangups()
      const { config, logger, gateway } = await startServe(io, flags, held).catch((error: unknown) => {
        // Nothing will answer them now; a failed start must not leave the listener behind.
        held.release()
        throw error
      })
      const banner = bannerLogger(logger, config.server.log_level)
      logBanner(banner, io, config, gateway)
      await untilClosed(gateway, logger)
      banner.info({}, 'airlock stopped')
    })
}
