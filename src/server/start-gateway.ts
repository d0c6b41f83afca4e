/**
 * `startGateway()`: everything `airlock serve` runs for one config — the
 * store and pipeline, the HTTP server, audit shipping, transparency
 * checkpoints, metrics and policy triggers — started in order and stopped
 * by one `close()`.
 *
 * @module
 */
import type { Airlock } from '../airlock.js'
import { createAirlockFromConfig } from '../config/create-airlock-from-config.js'
import type { ResolvedConfig } from '../config/resolved-config.js'
import { seedDemo } from '../dashboard/demo-seed.js'
import { type ShippingService, startShipping } from '../shipping/shipping-service.js'
import type { HeldHangups } from './hold-hangups.js'
import { startPolicyTriggers } from './policy-triggers.js'
import { type CloseOptions, type RunningServer, type ServerLogger, startServer } from './start-server.js'

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  readonly config: ResolvedConfig
  readonly logger: ServerLogger
  /** A store URL overriding `config.store`. */
  readonly store?: string
  /** Overrides `server.host`. */
  readonly host?: string
  /** Overrides `server.port`; 0 picks a free port. */
  readonly port?: number
  /** SIGHUPs held since the process started, answered with one reload once the triggers run. */
  readonly held?: HeldHangups
}

/** A gateway that is serving. */
export interface RunningGateway {
  readonly airlock: Airlock
  readonly server: RunningServer
  /** Sample requests seeded by the dashboard demo; 0 when none. */
  readonly seeded: number
  /** The running audit shippers, or null when none are configured. */
  readonly shipping: ShippingService | null
  /** The transparency log being checkpointed, or null when it is off. */
  readonly transparency: { readonly origin: string; readonly verifier_key: string } | null
  /**
   * Stops the policy triggers and shippers, then the server (which flushes
   * the audit writer and closes the store). With `force`, drops open
   * connections now. Safe to call more than once.
   */
  close(options?: CloseOptions): Promise<void>
  /** Settles when the server has closed and the policy triggers are stopped. */
  readonly closed: Promise<void>
}

/** The MCP endpoint at `/mcp`, loaded only when configured (its SDK is an optional peer). */
async function mcpMount(airlock: Airlock, config: ResolvedConfig) {
  const { mcpHttpApp } = await import('../mcp/index.js')
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

/**
 * Starts the gateway `config` describes and returns once it is listening.
 *
 * @remarks When a part fails to start, the parts already started are
 * stopped and the store closed before the error is thrown.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config, logger } = options
  const configured = await createAirlockFromConfig(config, {
    ...(options.store === undefined ? {} : { store: options.store }),
  })
  const { airlock, httpOptions, server } = configured
  const seeded = config.dashboard.demo ? await seedDemo(airlock) : 0
  // Beside the server, on their own timers; stopped before the store closes.
  let shipping: ShippingService | null = null
  let running: RunningServer
  try {
    if (config.shipping?.shippers.length) {
      const checkpoints = configured.transparency !== null
      shipping = startShipping(config.shipping, airlock.store, logger, { checkpoints })
    }
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
      host: options.host ?? server.host,
      port: options.port ?? server.port,
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
  }

  const stopTriggers = startPolicyTriggers({
    reload: configured.reload,
    logger,
    ...(options.held === undefined ? {} : { held: options.held }),
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
  const closed = running.closed.finally(stopTriggers)
  // A failed close is reported by close() itself; `closed` must not also surface as unhandled.
  closed.catch(() => undefined)
  return {
    airlock,
    server: running,
    seeded,
    shipping,
    transparency: transparency
      ? { origin: transparency.origin, verifier_key: transparency.verifier_key }
      : null,
    async close(closeOptions: CloseOptions = {}) {
      if (closeOptions.force) return running.close(closeOptions)
      await shipping?.stop()
      await running.close()
    },
    closed,
  }
}
