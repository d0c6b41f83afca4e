/**
 * What the gateway reports to a metrics backend. The core calls this
 * interface; `prometheusMetrics()` (prom-client, an optional peer)
 * implements it, and nothing is measured when none is configured.
 *
 * @remarks Labels carry names the configuration bounds (routes, actions,
 * rules, error codes, statuses), never inputs, actors or ids.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'

/** Receives measurements. Every method must be cheap and must not throw. */
export interface AirlockMetrics {
  /** One HTTP request answered: the matched route pattern, its method and status. */
  request(route: string, method: string, status: number, seconds: number): void
  /** A request ended in an error with this code (problem+json). */
  error(code: string): void
  /** Audit events committed to the chain (decisions, replays, approvals, limit trips). */
  committed(events: readonly AuditEvent[]): void
  /** One audit commit (one transaction) of `size` events. */
  commitBatch(size: number, seconds: number): void
  /** A store operation failed. */
  storeError(operation: string): void
  /** A pending approval was decided (`approved` or `rejected`) after `seconds`. */
  approvalDecided(result: string, seconds: number): void
  /**
   * Where to read how far each audit shipper is behind the chain (events, by
   * shipper name). Read when metrics are collected, so shipping never does
   * work for a scrape that does not come.
   */
  shipperLag(read: () => Record<string, number>): void
  /**
   * Where to read how many approvals are pending, from the store every
   * replica shares (so the figure survives restarts and agrees across
   * replicas). Read at scrape time, at most once per few seconds.
   */
  approvalsPending(read: () => Promise<number>): void
}
