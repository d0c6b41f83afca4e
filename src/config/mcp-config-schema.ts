/**
 * The `mcp` section of a configuration file: how `airlock mcp serve`, the
 * gateway's `/mcp` endpoint and `airlock mcp proxy` govern tool calls.
 *
 * @module
 */
import { z } from 'zod'
import { RISK_CLASSES } from '../policy/risk-matrix.js'
import { DURATION_EXPECTED, parseDuration } from './parse-duration.js'

const nonEmpty = z.string({ error: 'expected a non-empty string' }).min(1, 'expected a non-empty string')

const duration = z.string({ error: DURATION_EXPECTED }).transform((text, ctx) => {
  const ms = parseDuration(text)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `${DURATION_EXPECTED}, got '${text}'` })
    return z.NEVER
  }
  return ms
})

/** Risk and approval settings of one upstream tool. */
const toolSettingsSchema = z.strictObject({
  risk: z.enum(RISK_CLASSES, { error: `expected one of ${RISK_CLASSES.join(', ')}` }),
  approval_required: z.boolean().optional(),
  approver_roles: z.array(nonEmpty).optional(),
  required_approvals: z.int().min(1).max(100).optional(),
  required_scopes: z.array(nonEmpty).optional(),
  tags: z.array(nonEmpty).optional(),
})

const upstreamSchema = z.union(
  [
    z.strictObject({
      command: nonEmpty,
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).optional(),
      cwd: nonEmpty.optional(),
    }),
    z.strictObject({
      url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
      headers: z.record(z.string(), z.string()).optional(),
    }),
  ],
  { error: 'expected { command, args } or { url }' },
)

const proxySchema = z.strictObject({
  namespace: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a lower-case name such as fs or github'),
  /** Used when `airlock mcp proxy` is not given `--upstream`. */
  upstream: upstreamSchema.optional(),
  unknown_tools: z.enum(['require_approval', 'deny']).default('require_approval'),
  call_timeout: duration.default(600_000),
  tools: z.record(nonEmpty, toolSettingsSchema).default({}),
})

/** `mcp:` as written; every key optional. */
export const mcpConfigSchema = z.strictObject({
  /** Serve Airlock's actions over Streamable HTTP at `/mcp` on the gateway (`airlock serve`). */
  http: z.boolean().default(false),
  /** How long a held call waits for a decision before it is expired and denied (0s: answer at once). */
  wait: duration.default(300_000),
  progress_interval: duration.default(5_000),
  /** Ask the human through MCP elicitation when the client supports it. */
  elicitation: z.boolean().default(true),
  proxy: proxySchema.optional(),
})

/** The `mcp` section after defaults (durations in milliseconds). */
export type McpConfig = z.output<typeof mcpConfigSchema>
