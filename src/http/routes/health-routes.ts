import { z } from 'zod'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Dependency } from '../../health/dependency.js'
import { publicJwks } from '../../identity/tokens/public-jwks.js'
import { HttpProblemError } from '../problem.js'
import { defineRoute, type Route } from '../route.js'
import { problemSchema, statusOkSchema } from '../wire-schemas.js'
import type { RouteDeps } from './route-deps.js'

const readySchema = z.object({
  status: z.literal('ok'),
  dependencies: z.record(z.string(), z.enum(['up', 'down'])).describe('State of each dependency'),
  policy: z
    .object({ version: z.string(), label: z.string().nullable(), loaded_at: z.string() })
    .describe('The policy set this replica enforces'),
})

/**
 * `GET health` (the process answers), `GET ready` (and every dependency: the store, Redis)
 * and, with signing keys, `GET .well-known/jwks.json`; all public.
 */
export function healthRoutes(deps: RouteDeps): Route[] {
  const keys = deps.airlock.keys
  const jwks: Route[] = keys
    ? [
        defineRoute({
          method: 'GET',
          path: '/.well-known/jwks.json',
          operation_id: 'jwks',
          summary: 'Public keys that verify identity tokens and execution tickets',
          tag: 'health',
          public: true,
          responses: [{ status: 200, description: 'A JWK Set (public keys only)' }],
          handle: (c) => c.json(publicJwks(keys)),
        }),
      ]
    : []
  return [
    ...jwks,
    defineRoute({
      method: 'GET',
      path: '/health',
      operation_id: 'health',
      summary: 'Liveness: the process answers',
      tag: 'health',
      public: true,
      responses: [{ status: 200, description: 'Alive', schema: statusOkSchema }],
      handle: (c) => c.json({ status: 'ok' }),
    }),
    defineRoute({
      method: 'GET',
      path: '/ready',
      operation_id: 'ready',
      summary: 'Readiness: every required dependency (store, limits) answers too',
      tag: 'health',
      public: true,
      responses: [
        { status: 200, description: 'Ready', schema: readySchema },
        {
          status: 503,
          description: 'A required dependency is unreachable; `dependencies` says which',
          schema: problemSchema,
          problem: true,
        },
      ],
      handle: async (c) => {
        const states = await checkAll(deps.airlock.dependencies)
        const down = deps.airlock.dependencies.find((d) => d.required && states[d.name] === 'down')
        if (down) {
          const code = down.name === 'limits' ? ErrorCode.LIMITS_UNAVAILABLE : ErrorCode.STORE_UNAVAILABLE
          // The dependency's own error may name hosts or credentials: only its state leaves the process.
          throw new HttpProblemError(code, `Not ready: ${down.name} is unreachable`, { dependencies: states })
        }
        const { version, label, loaded_at } = deps.airlock.policy.current()
        return c.json({ status: 'ok' as const, dependencies: states, policy: { version, label, loaded_at } })
      },
    }),
  ]
}

// A readiness probe must answer within the orchestrator's timeout even when a dependency hangs.
const CHECK_TIMEOUT_MS = 2_000

async function checkAll(list: readonly Dependency[]): Promise<Record<string, 'up' | 'down'>> {
  const results = await Promise.all(
    list.map(async (d) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
      })
      try {
        await Promise.race([d.check(), timeout])
        return [d.name, 'up'] as const
      } catch {
        return [d.name, 'down'] as const
      } finally {
        clearTimeout(timer)
      }
    }),
  )
  return Object.fromEntries(results)
}
