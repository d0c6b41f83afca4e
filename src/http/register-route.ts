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

/**
 * Parses a request part, answering an empty part from `empty` (its parse,
 * made once) when there is one: most requests carry no query and none of a
 * route's optional headers, and this runs on every request.
 */
function parseOrEmpty<S extends z.ZodType>(
  part: RequestPart,
  schema: S,
  value: Record<string, string>,
  empty: z.output<S> | undefined,
): z.output<S> {
  return empty !== undefined && isEmpty(value) ? empty : parsePart(part, schema, value)
}

function isEmpty(value: Record<string, string>): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return false
  return true
}

/** The frozen parse of an empty part, or undefined when an empty part is invalid (it is then refused per request). */
function emptyParse<S extends z.ZodType>(schema: S): z.output<S> | undefined {
  const result = schema.safeParse({})
  return result.success ? (Object.freeze(result.data) as z.output<S>) : undefined
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
  const querySchema = route.query ?? emptyQuery
  const noQuery = emptyParse(querySchema)
  const noHeaders = route.headers ? emptyParse(route.headers) : undefined
  app.on(route.method, honoPath(route.path), async (c) => {
    const request = c.req.raw
    const params = route.params ? parsePart('path', route.params, c.req.param()) : {}
    const query = queryless ? {} : parseOrEmpty('query', querySchema, singleValuedQuery(request.url), noQuery)
    const headers = route.headers
      ? parseOrEmpty('header', route.headers, pickHeaders(request, route.headers), noHeaders)
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
