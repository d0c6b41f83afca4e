/**
 * A small pipeline and app for the HTTP suites: a few actions, two tenants,
 * API keys for each role.
 */
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { type Airlock, type AirlockConfig, createAirlock } from '../../src/airlock.js'
import { createHttpApp, type HttpApp, type HttpAppOptions } from '../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import type { Target } from '../../src/inventory/target.js'
import { allowAll, denyAll } from '../../src/policy/rules/index.js'

export const KEYS = {
  /** acme tenant, requester with the finance scope */
  alice: generateApiKey(),
  /** acme tenant, approver and auditor */
  carol: generateApiKey(),
  /** acme tenant, approver only (quorum tests) */
  erin: generateApiKey(),
  /** globex tenant, approver and auditor with the finance scope */
  mallory: generateApiKey(),
  /** acme tenant, no roles or scopes */
  nobody: generateApiKey(),
} as const

export const apiKeys = apiKeyAuth({
  keys: [
    {
      id: 'alice',
      sha256: hashApiKey(KEYS.alice),
      actor_id: 'alice',
      scopes: ['finance'],
      tenant_id: 'acme',
    },
    {
      id: 'carol',
      sha256: hashApiKey(KEYS.carol),
      actor_id: 'carol',
      roles: ['approver', 'auditor'],
      tenant_id: 'acme',
    },
    { id: 'erin', sha256: hashApiKey(KEYS.erin), actor_id: 'erin', roles: ['approver'], tenant_id: 'acme' },
    {
      id: 'mallory',
      sha256: hashApiKey(KEYS.mallory),
      actor_id: 'mallory',
      roles: ['approver', 'auditor'],
      scopes: ['finance'],
      tenant_id: 'globex',
    },
    { id: 'nobody', sha256: hashApiKey(KEYS.nobody), actor_id: 'nobody', tenant_id: 'acme' },
  ],
})

/** Calls of each handler, to tell whether something ran. */
export const runs = { get_invoice: 0, issue_refund: 0, explode: 0, slow: 0 }

/** Lets a test hold the `slow` action mid-run. */
export const gate = { release: () => {}, wait: Promise.resolve() }
export function closeGate(): void {
  gate.wait = new Promise<void>((resolve) => {
    gate.release = resolve
  })
}

export const actions = [
  defineAction({
    name: 'get_invoice',
    description: 'Reads an invoice',
    risk: 'low',
    input: z.object({ invoice_id: z.string().min(1), include_lines: z.boolean().default(false) }),
    handler: ({ invoice_id }) => {
      runs.get_invoice++
      return { id: invoice_id, amount: 42, at: '2026-01-01T12:00:00Z' }
    },
  }),
  defineAction({
    name: 'issue_refund',
    description: 'Refunds a payment',
    risk: 'high',
    required_scopes: ['finance'],
    approval_required: true,
    input: z.object({
      invoice_id: z.string(),
      amount: z.number().positive(),
      card_number: z.string().optional(),
    }),
    handler: ({ invoice_id, amount, card_number }) => {
      runs.issue_refund++
      return { refunded: amount, invoice_id, card_seen: card_number ?? null }
    },
  }),
  defineAction({
    name: 'double_check',
    description: 'Needs two approvers',
    risk: 'medium',
    approval_required: true,
    required_approvals: 2,
    input: z.object({}),
    handler: () => 'done',
  }),
  defineAction({
    name: 'explode',
    description: 'Always fails',
    risk: 'low',
    input: z.object({}),
    handler: () => {
      runs.explode++
      throw new Error('kaboom at /srv/secret/path')
    },
  }),
  defineAction({
    name: 'slow',
    description: 'Waits for the test to release it',
    risk: 'low',
    input: z.object({ n: z.number().int() }),
    handler: async ({ n }) => {
      runs.slow++
      await gate.wait
      return n
    },
  }),
  defineAction({
    name: 'forbidden_thing',
    description: 'Denied by policy',
    risk: 'low',
    input: z.object({}),
    handler: () => 'never',
  }),
  defineAction({
    name: 'restart_deployment',
    description: 'Restarts a deployment',
    risk: 'medium',
    target_types: ['k8s-deployment'],
    input: z.object({}),
    handler: () => 'restarted',
  }),
  defineAction({
    name: 'admin_only',
    description: 'Needs the admin scope',
    risk: 'low',
    required_scopes: ['admin'],
    input: z.object({}),
    handler: () => 'ok',
  }),
]

export const inventory: Target[] = [
  {
    id: 'prod/api',
    type: 'k8s-deployment',
    environment: 'prod',
    sensitivity: 'internal',
    owner: 'team',
    labels: {},
  },
  {
    id: 'prod/node-1',
    type: 'k8s-node',
    environment: 'prod',
    sensitivity: 'internal',
    owner: 'team',
    labels: {},
  },
]

/** A pipeline over the memory store (unless another is given). */
export function makeAirlock(config: Partial<AirlockConfig> = {}): Airlock {
  return createAirlock({
    actions,
    inventory,
    policies: [denyAll({ actions: ['forbidden_thing'], priority: 10, name: 'no-forbidden' }), allowAll()],
    approvals: { approver_roles: ['approver'] },
    idempotency: { wait_ms: 100, poll_ms: 10 },
    ...config,
  })
}

export function makeApp(airlock: Airlock, options: Partial<HttpAppOptions> = {}): HttpApp {
  return createHttpApp(airlock, { auth: apiKeys, ...options })
}

export interface CallOptions {
  readonly key?: string
  readonly body?: unknown
  /** Sent as is, instead of JSON of `body`. */
  readonly raw?: BodyInit
  readonly headers?: Record<string, string>
}

/** A request through `app.request()`, authenticated with `key` when given. */
export async function call(
  app: HttpApp,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<{
  status: number
  type: string | null
  headers: Headers
  json: Record<string, unknown> & { [k: string]: unknown }
}> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`
  let body: BodyInit | undefined = options.raw
  if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await response.text()
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    headers: response.headers,
    json: text === '' ? {} : JSON.parse(text),
  }
}
