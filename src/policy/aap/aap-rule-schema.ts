import { z } from 'zod'

/** agent-action-policy's `action` values, read case-insensitively. */
export const AAP_ACTIONS = ['approve', 'deny', 'escalate'] as const

/** One entry of an agent-action-policy `policies:` list. Unknown keys are errors. */
export const aapRuleSchema = z.strictObject({
  name: z.string().min(1),
  match: z
    .strictObject({
      tool: z.string().default('*'),
      args_pattern: z.string().nullable().optional(),
      path_patterns: z.union([z.string(), z.array(z.string())]).optional(),
    })
    .default({ tool: '*' }),
  // Missing means deny in the original; that is already fail-closed, so it stays.
  action: z
    .string()
    .default('deny')
    .transform((value) => value.toLowerCase())
    .pipe(
      z.enum(AAP_ACTIONS, {
        error: (issue) => `unknown action '${String(issue.input)}' (expected approve, deny or escalate)`,
      }),
    ),
  reason: z.string().default(''),
  priority: z.number().refine(Number.isFinite, 'priority must be a finite number').default(100),
})

/** A validated agent-action-policy rule, before compilation. */
export type AapRuleSpec = z.output<typeof aapRuleSchema>

/** The top level of an agent-action-policy file. */
export const aapFileSchema = z.strictObject({ policies: z.array(z.unknown()) })
