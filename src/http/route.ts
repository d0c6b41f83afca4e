/**
 * A route is data: method, path, the zod schemas of its path, query, headers
 * and body, and its responses. The same object validates requests and
 * produces the route's OpenAPI operation.
 *
 * @module
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import type { Principal } from '../identity/principal.js'
import type { HttpLogger } from './http-logger.js'

/** Variables the app keeps on each request's context. */
export interface HttpVariables {
  /** Set by the authentication middleware on every non-public route. */
  principal: Principal
  /** The client's address (see `trust_proxy`), or null when the runtime does not expose it. */
  client_address: string | null
  /** This request's id: the caller's safe `X-Request-Id`, or a generated one; echoed on the response. */
  request_id: string
  /** The caller's own `X-Request-Id` when it was accepted, else null; audited as `client_request_id`. */
  client_request_id: string | null
  /** The app's logger bound to `request_id`, or undefined when the app logs nothing. */
  logger: HttpLogger | undefined
}

export type HttpEnv = { Variables: HttpVariables }

/** One documented response of a route. */
export interface RouteResponse {
  readonly status: number
  readonly description: string
  /** The body: JSON, or `application/problem+json` when `problem` is true. */
  readonly schema?: z.ZodType
  readonly problem?: boolean
}

/** What a handler receives, validated. */
export interface RouteInput<P, Q, H, B> {
  readonly params: P
  readonly query: Q
  readonly headers: H
  readonly body: B
}

// biome-ignore lint/complexity/noBannedTypes: an object schema with no keys is exactly what an absent part means.
type Empty = z.ZodObject<{}>

/** A route definition; see {@link defineRoute}. */
export interface RouteSpec<
  P extends z.ZodObject = Empty,
  Q extends z.ZodObject = Empty,
  H extends z.ZodObject = Empty,
  B extends z.ZodType = z.ZodUndefined,
> {
  readonly method: 'GET' | 'POST'
  /** OpenAPI-style path relative to the base path, e.g. `/approvals/{id}`. */
  readonly path: string
  readonly operation_id: string
  readonly summary: string
  readonly description?: string
  readonly tag: string
  /** Served without authentication (health, readiness, the OpenAPI document). */
  readonly public?: boolean
  readonly params?: P
  /** Unknown query parameters are a 400 on authenticated routes, whether or not a schema is given. */
  readonly query?: Q
  /** Headers to validate; keys are lower-case header names. */
  readonly headers?: H
  readonly body?: B
  /** When false, an empty body is read as `{}`. Default true. */
  readonly body_required?: boolean
  readonly responses: readonly RouteResponse[]
  readonly handle: (
    c: Context<HttpEnv>,
    input: RouteInput<z.output<P>, z.output<Q>, z.output<H>, z.output<B>>,
  ) => Response | Promise<Response>
}

/** A route with its types erased, as the app and the OpenAPI builder see it. */
export type Route = RouteSpec<z.ZodObject, z.ZodObject, z.ZodObject, z.ZodType>

/** Declares a route; the handler's input types follow from the schemas. */
export function defineRoute<
  P extends z.ZodObject = Empty,
  Q extends z.ZodObject = Empty,
  H extends z.ZodObject = Empty,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, H, B>): Route {
  return spec as unknown as Route
}

/** `/approvals/{id}` → `/approvals/:id`. */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1')
}
