/**
 * Registers one {@link Route} on the app: its path, query, header and body
 * are parsed against the route's schemas before the handler runs, so a
 * handler only ever sees valid input.
 *
 * @module
 */
import type { Hono } from 'hono'
import { z } from 'zod'
import { HttpProblemError } from './problem.js'
import { readJsonBody } from './read-json-body.js'
import { type RequestPart, requestIssues } from './request-issues.js'
import { type HttpEnv, honoPath, type Route } from './route.js'

const MAX_JSON_DEPTH = 64
// Authenticated routes refuse query parameters they do not know, so a mistyped filter is an error, not ignored.
const emptyQuery = z.strictObject({})

function parsePart<S extends z.ZodType>(part: RequestPart, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) return result.data
  const issues = requestIssues(part, result.error.issues)
  const shown = issues.slice(0, 5).map((i) => i.message)
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : ''
  throw new HttpProblemError('BAD_REQUEST', `Invalid request ${part}: ${shown.join('; ')}${more}`, { issues })
}

function singleValuedQuery(url: string): Record<string, string> {
  // No prototype: `?__proto__=x` must arrive as an (unknown, refused) parameter, not vanish.
  const query: Record<string, string> = Object.create(null)
  const start = url.indexOf('?')
  if (start === -1) return query
  for (const [key, value] of new URLSearchParams(url.slice(start + 1))) {
    if (Object.hasOwn(query, key))
      throw new HttpProblemError('BAD_REQUEST', `Query parameter '${key}' is given more than once`)
    query[key] = value
  }
  return query
}

function pickHeaders(request: Request, schema: z.ZodObject): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of Object.keys(schema.shape)) {
    const value = request.headers.get(name)
    if (value !== null) out[name] = value
  }
  return out
}

/** Adds `route` to `app`, validating its input; `bodyLimit` is the largest body in bytes. */
export function registerRoute(app: Hono<HttpEnv>, route: Route, bodyLimit: number): void {
  const queryless = route.public === true && route.query === undefined
  const bodyOptional = route.body_required === false
  app.on(route.method, honoPath(route.path), async (c) => {
    const request = c.req.raw
    const params = route.params ? parsePart('path', route.params, c.req.param()) : {}
    const query = queryless
      ? {}
      : parsePart('query', route.query ?? emptyQuery, singleValuedQuery(request.url))
    const headers = route.headers
      ? parsePart('header', route.headers, pickHeaders(request, route.headers))
      : {}
    const body =
      route.body === undefined
        ? undefined
        : parsePart(
            'body',
            route.body,
            await readJsonBody(
              request,
              { limit: bodyLimit, optional: bodyOptional, max_depth: MAX_JSON_DEPTH },
              c.env,
            ),
          )
    return route.handle(c, { params, query, headers, body })
  })
}
