import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { publicJwks } from '../../identity/tokens/public-jwks.js'
import { defineRoute, type Route } from '../route.js'
import { problemSchema, statusOkSchema } from '../wire-schemas.js'
import type { RouteDeps } from './route-deps.js'

/**
 * `GET health` (the process answers), `GET ready` (and its store does too)
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
      summary: 'Readiness: the store answers too',
      tag: 'health',
      public: true,
      responses: [
        { status: 200, description: 'Ready', schema: statusOkSchema },
        { status: 503, description: 'The store is unreachable', schema: problemSchema, problem: true },
      ],
      handle: async (c) => {
        try {
          await deps.airlock.store.ping()
        } catch (error) {
          // Whatever the driver threw, a failed ping means "not ready": 503, so balancers stop routing here.
          if (AirlockError.isInstance(error) && error.code === ErrorCode.STORE_ERROR) throw error
          throw new AirlockError(ErrorCode.STORE_ERROR, 'The store did not answer the readiness ping', {
            cause: error,
          })
        }
        return c.json({ status: 'ok' })
      },
    }),
  ]
}
