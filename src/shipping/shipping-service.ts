/**
 * The configured audit shippers of a gateway, started and stopped together.
 *
 * @module
 */
import type { ResolvedShippingConfig } from '../config/shipping-config-schema.js'
import type { Store } from '../store/store.js'
import { createShipper, type Shipper, type ShipperLogger, type ShipperStatus } from './shipper.js'
import { type SinkContext, sinkFromConfig } from './sink-from-config.js'

/** Running shippers. */
export interface ShippingService {
  readonly shippers: readonly Shipper[]
  /** Events committed but not yet acknowledged, by shipper name (for a metrics gauge). */
  lag(): Record<string, number>
  status(): readonly ShipperStatus[]
  /** Stops every shipper, waiting at most `wait_ms` (default 5 s) for deliveries under way. */
  stop(wait_ms?: number): Promise<void>
}

/** Builds and starts one shipper per configured entry. */
export function startShipping(
  config: ResolvedShippingConfig,
  store: Pick<Store, 'audit' | 'merkle' | 'shipping' | 'exclusive'>,
  logger?: ShipperLogger,
  context: SinkContext = {},
): ShippingService {
  const shippers = config.shippers.map((entry) =>
    createShipper({
      name: entry.name,
      store,
      sink: sinkFromConfig(entry, context),
      batch_size: config.batch_size,
      poll_interval_ms: config.poll_interval_ms,
      backoff: { max_ms: config.max_backoff_ms },
      ...(logger ? { logger } : {}),
    }),
  )
  for (const shipper of shippers) shipper.start()
  return {
    shippers,
    lag: () => Object.fromEntries(shippers.map((s) => [s.name, s.lag()])),
    status: () => shippers.map((s) => s.status()),
    async stop(wait_ms = 5_000) {
      let timer: NodeJS.Timeout | undefined
      const limit = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, wait_ms)
        timer.unref()
      })
      await Promise.race([Promise.all(shippers.map((s) => s.stop())), limit])
      clearTimeout(timer)
    },
  }
}
