/**
 * The response shapes of the policy routes (`/policy`, `/policy/reload`,
 * `/policy/shadow/report`, `/policy/shadow/history`) and of the kill switch
 * (`/freeze`).
 *
 * @module
 */
import { z } from 'zod'
import { decisionResultSchema } from './wire-schemas.js'

/** What a loaded policy set is. */
export const policySummarySchema = z.object({
  version: z.string().describe('`sha256:` and the first 16 hex digits of the content hash'),
  label: z.string().nullable(),
  hash: z.string().describe('The full content hash (hex)'),
  loaded_at: z.string().describe('When this replica loaded it'),
  files: z.array(z.string()).describe('Files it was loaded from, relative to the config'),
  rules: z.number().int(),
  actions: z.number().int(),
  default_decision: decisionResultSchema,
})

export const policyStateSchema = z.object({
  policy: policySummarySchema,
  shadow: policySummarySchema.nullable().describe('The candidate decided beside it, if any'),
})

export const policyReloadSchema = z.object({
  changed: z.boolean().describe('False when the files hash to the set already in force'),
  policy: policySummarySchema,
})

const countsSchema = z.record(z.string(), z.number().int())

const pairSchema = z.object({
  request_id: z.string(),
  at: z.string(),
  action: z.string(),
  caller: z.string(),
  target: z.string().nullable(),
  enforced: z.object({ decision: decisionResultSchema, rule: z.string().nullable() }),
  candidate: z.object({ decision: decisionResultSchema, rule: z.string().nullable() }),
  uncertain: z.boolean().optional(),
})

export const differenceReportSchema = z.object({
  enforced_version: z.string().nullable(),
  candidate_version: z.string(),
  compared: z.number().int(),
  changed: z.number().int(),
  uncertain: z.number().int(),
  transitions: z.array(
    z.object({
      from: decisionResultSchema,
      to: decisionResultSchema,
      count: z.number().int(),
      uncertain: z.number().int(),
      by_rule: countsSchema,
      by_action: countsSchema,
      by_caller: countsSchema,
      examples: z.array(pairSchema),
    }),
  ),
})

export const shadowHistorySchema = differenceReportSchema.extend({
  candidate_version: z.string().nullable().describe('Null when no request in the range was shadowed'),
  since: z.string(),
  until: z.string().nullable(),
  events_read: z.number().int().describe('Audit events read in the range'),
  complete: z.boolean().describe('False when the read stopped at its bound before the start of the range'),
})

export const freezeSchema = z.object({
  id: z.string(),
  scope: z.union([
    z.object({ kind: z.literal('all') }),
    z.object({ kind: z.enum(['agent', 'action', 'tenant']), value: z.string() }),
  ]),
  reason: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  lifted_by: z.string().nullable(),
  lifted_at: z.string().nullable(),
})

export const freezeListSchema = z.object({ freezes: z.array(freezeSchema) })

const scopeName = z.string().min(1).max(200)

/** `POST /freeze`: exactly one of `agent`, `action`, `tenant` or `all: true`, and why. */
export const freezeBody = z
  .strictObject({
    agent: scopeName.optional(),
    action: scopeName.optional(),
    tenant: scopeName.optional(),
    all: z.literal(true).optional(),
    reason: z.string().trim().min(1).max(1000),
  })
  .refine((b) => [b.agent, b.action, b.tenant, b.all].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of agent, action, tenant or all: true',
  })

export const unfreezeBody = z.strictObject({ id: z.string().min(1).max(100) })
