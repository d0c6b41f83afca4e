/**
 * The routes of the REST API, split into those served before authentication
 * and those behind it, plus the OpenAPI document describing all of them.
 *
 * @module
 */
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import { buildOpenApiDocument } from './openapi-document.js'
import type { Route } from './route.js'
import { actionRoutes } from './routes/action-routes.js'
import { approvalRoutes } from './routes/approval-routes.js'
import { auditRoutes } from './routes/audit-routes.js'
import { checkRoutes } from './routes/check-routes.js'
import { evidenceRoutes } from './routes/evidence-routes.js'
import { freezeRoutes } from './routes/freeze-routes.js'
import { healthRoutes } from './routes/health-routes.js'
import { policyRoutes } from './routes/policy-routes.js'
import { rollbackRoutes } from './routes/rollback-routes.js'
import type { RouteDeps } from './routes/route-deps.js'

/** The API's routes by where they sit relative to authentication. */
export interface ApiRoutes {
  /** Served before authentication: health, readiness, the JWKS and `/openapi.json`. */
  readonly public: readonly Route[]
  /** Served behind the authentication middleware. */
  readonly private: readonly Route[]
  /** Every route, in matching order, for the document and the 404/405 decision. */
  readonly all: readonly Route[]
}

/** The API's routes over `deps`; `backends` decide whether the document names the API key header. */
export function apiRoutes(deps: RouteDeps, backends: readonly AuthBackend[]): ApiRoutes {
  // Served before authentication (health, readiness, the JWKS). Anything registered on the returned
  // app afterwards sits behind the authentication middleware; use `mount` for self-authenticating apps.
  const publicRoutes = [...healthRoutes(deps)]
  const privateRoutes = [
    ...actionRoutes(deps),
    ...checkRoutes(deps),
    ...approvalRoutes(deps),
    ...auditRoutes(deps),
    ...evidenceRoutes(deps),
    ...policyRoutes(deps),
    // After auditRoutes: `/audit/verify` is matched before `/audit/{id}`.
    ...rollbackRoutes(deps),
    ...freezeRoutes(deps),
  ]
  const openapiRoute: Route = {
    method: 'GET',
    path: '/openapi.json',
    operation_id: 'openapi',
    summary: 'This document',
    tag: 'health',
    public: true,
    responses: [{ status: 200, description: 'The OpenAPI 3.1 document' }],
    handle: (c) => c.json(document),
  }
  const allRoutes = [...publicRoutes, openapiRoute, ...privateRoutes]
  const document = buildOpenApiDocument(allRoutes, {
    base_path: deps.base_path,
    api_key_header: backends.some((b) => b.name === 'api_key') ? 'X-API-Key' : null,
  })
  return { public: [...publicRoutes, openapiRoute], private: privateRoutes, all: allRoutes }
}
