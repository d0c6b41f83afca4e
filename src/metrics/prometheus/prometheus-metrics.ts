/**
 * {@link AirlockMetrics} in Prometheus form, with prom-client (an optional
 * peer dependency, loaded only when metrics are enabled).
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import type { AirlockMetrics } from '../airlock-metrics.js'
import { cachedReading } from '../cached-reading.js'

type PromClient = typeof import('prom-client')

/** Metrics and the registry that renders them. */
export interface PrometheusMetrics {
  readonly metrics: AirlockMetrics
  /** The exposition text and its content type. */
  render(): Promise<{ readonly body: string; readonly content_type: string }>
}

/**
 * The event that records a request's decision: `allowed` (a check),
 * `denied`, `held`, or `started` (an allowed execute; one started after an
 * approval carries its approval id and was counted when held).
 */
function isDecision(e: AuditEvent): boolean {
  if (e.status === 'started') return e.approval_id === null
  return e.status === 'allowed' || e.status === 'denied' || e.status === 'held'
}
/** How long one count of pending approvals serves scrapes. */
const PENDING_TTL_MS = 5000
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Where the gauges that read shared state get their figures. */
interface Readers {
  readonly lag: (() => Record<string, number>)[]
  pending: (() => Promise<number | undefined>) | null
}

function build(prom: PromClient, readers: Readers) {
  const registry = new prom.Registry()
  const r = { registers: [registry] }
  return {
    registry,
    requests: new prom.Counter({
      name: 'airlock_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      ...r,
    }),
    duration: new prom.Histogram({
      name: 'airlock_http_request_duration_seconds',
      help: 'HTTP request duration by route and method',
      labelNames: ['route', 'method'],
      buckets: LATENCY_BUCKETS,
      ...r,
    }),
    errors: new prom.Counter({
      name: 'airlock_errors_total',
      help: 'Requests that ended in an error, by error code',
      labelNames: ['code'],
      ...r,
    }),
    decisions: new prom.Counter({
      name: 'airlock_decisions_total',
      help: 'Policy decisions by result, action and rule',
      labelNames: ['result', 'action', 'rule'],
      ...r,
    }),
    events: new prom.Counter({
      name: 'airlock_audit_events_total',
      help: 'Audit events committed, by status',
      labelNames: ['status'],
      ...r,
    }),
    pending: new prom.Gauge({
      name: 'airlock_approvals_pending',
      help: 'Approvals pending in the store (all replicas), read at most every 5 s',
      async collect() {
        const n = await readers.pending?.()
        if (n !== undefined) this.set(n)
      },
      ...r,
    }),
    approvalLatency: new prom.Histogram({
      name: 'airlock_approval_decision_seconds',
      help: 'Time from a hold to its decision',
      labelNames: ['result'],
      buckets: [1, 10, 60, 300, 900, 3600, 14_400, 86_400],
      ...r,
    }),
    replays: new prom.Counter({
      name: 'airlock_idempotency_replays_total',
      help: 'Requests answered from a stored outcome',
      ...r,
    }),
    conflicts: new prom.Counter({
      name: 'airlock_idempotency_conflicts_total',
      help: 'Idempotency keys reused with other inputs, or still in flight',
      labelNames: ['code'],
      ...r,
    }),
    batchSize: new prom.Histogram({
      name: 'airlock_audit_commit_batch_size',
      help: 'Audit events per commit (group commit)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      ...r,
    }),
    commitSeconds: new prom.Histogram({
      name: 'airlock_audit_commit_seconds',
      help: 'Time of one audit commit',
      buckets: LATENCY_BUCKETS,
      ...r,
    }),
    storeErrors: new prom.Counter({
      name: 'airlock_store_errors_total',
      help: 'Failed store operations',
      labelNames: ['operation'],
      ...r,
    }),
    dependencyErrors: new prom.Counter({
      name: 'airlock_dependency_errors_total',
      help: 'Requests refused because a dependency (store, Redis) was unreachable',
      labelNames: ['dependency'],
      ...r,
    }),
    shipperLag: new prom.Gauge({
      name: 'airlock_shipper_lag_events',
      help: 'Committed audit events an audit shipper has not delivered yet, by shipper',
      labelNames: ['shipper'],
      collect() {
        this.reset()
        for (const read of readers.lag) {
          for (const [shipper, lag] of Object.entries(read())) this.set({ shipper }, lag)
        }
      },
      ...r,
    }),
    trips: new prom.Counter({
      name: 'airlock_limit_trips_total',
      help: 'Requests refused by a rate limit or the circuit breaker, by limit kind',
      labelNames: ['kind'],
      ...r,
    }),
  }
}

function observeEvent(m: ReturnType<typeof build>, e: AuditEvent): void {
  m.events.inc({ status: e.status })
  if (isDecision(e) && e.decision) {
    m.decisions.inc({ result: e.decision, action: e.action, rule: e.rule ?? '' })
  }
  if (e.status === 'replayed') m.replays.inc()
  const limit = e.context?.limit
  if (e.status === 'denied' && typeof limit === 'string') m.trips.inc({ kind: limit })
}

/**
 * Creates the metrics on a registry of their own (never prom-client's
 * global one, so two gateways in one process do not collide).
 *
 * @throws Error naming the package when prom-client is not installed.
 */
export async function prometheusMetrics(): Promise<PrometheusMetrics> {
  let prom: PromClient
  try {
    prom = await import('prom-client')
  } catch (error) {
    throw new Error('metrics need the optional peer dependency prom-client: npm install prom-client@^15', {
      cause: error,
    })
  }
  const readers: Readers = { lag: [], pending: null }
  const m = build(prom, readers)
  prom.collectDefaultMetrics({ register: m.registry, prefix: 'airlock_process_' })
  const metrics: AirlockMetrics = {
    request(route, method, status, seconds) {
      m.requests.inc({ route, method, status: String(status) })
      m.duration.observe({ route, method }, seconds)
    },
    error(code) {
      m.errors.inc({ code })
      if (code === 'IDEMPOTENCY_KEY_REUSED' || code === 'IDEMPOTENCY_IN_FLIGHT') m.conflicts.inc({ code })
      if (code === 'STORE_UNAVAILABLE') m.dependencyErrors.inc({ dependency: 'store' })
      if (code === 'LIMITS_UNAVAILABLE') m.dependencyErrors.inc({ dependency: 'redis' })
    },
    committed(events) {
      for (const e of events) observeEvent(m, e)
    },
    commitBatch(size, seconds) {
      m.batchSize.observe(size)
      m.commitSeconds.observe(seconds)
    },
    storeError(operation) {
      m.storeErrors.inc({ operation })
    },
    approvalDecided(result, seconds) {
      m.approvalLatency.observe({ result }, seconds)
    },
    shipperLag(read) {
      readers.lag.push(read)
    },
    approvalsPending(read) {
      readers.pending = cachedReading(read, { ttl_ms: PENDING_TTL_MS })
    },
  }
  return {
    metrics,
    render: async () => ({ body: await m.registry.metrics(), content_type: m.registry.contentType }),
  }
}
