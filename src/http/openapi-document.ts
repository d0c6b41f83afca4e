/**
 * The OpenAPI 3.1 document of the REST API, generated from the very route
 * definitions (and zod schemas) that validate requests.
 *
 * @module
 */
import { createRequire } from 'node:module'
import { z } from 'zod'
import type { Route, RouteResponse } from './route.js'

const PACKAGE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** Where the API is mounted, e.g. `/airlock`; `''` at the root. */
  readonly base_path: string
  /** Also document an `X-API-Key` header scheme (when an API-key backend is configured). */
  readonly api_key_header?: string | null
}

type JsonObject = Record<string, unknown>

/**
 * JSON Schema of a request (`input`) or response (`output`) schema.
 *
 * @remarks Leaves out the ±2^53 bounds zod puts on every integer, and, for
 * responses, `additionalProperties: false`: a client generated from this
 * document must keep working when a later version adds a field.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    reused: 'inline',
    unrepresentable: 'any',
    override: ({ jsonSchema: node }) => {
      const n = node as JsonObject
      if (n.type === 'integer') {
        if (n.minimum === Number.MIN_SAFE_INTEGER) delete n.minimum
        if (n.maximum === Number.MAX_SAFE_INTEGER) delete n.maximum
      }
      if (io === 'output' && n.additionalProperties === false) delete n.additionalProperties
    },
  }) as JsonObject
  delete json.$schema
  return json
}

function parameters(location: 'path' | 'query' | 'header', schema: z.ZodObject | undefined): JsonObject[] {
  if (schema === undefined) return []
  return Object.entries(schema.shape).map(([name, field]) => {
    const fieldSchema = field as z.ZodType
    const json = jsonSchema(fieldSchema, 'input')
    const description =
      fieldSchema.description ?? (typeof json.description === 'string' ? json.description : undefined)
    return {
      name:
        location === 'header'
          ? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
          : name,
      in: location,
      required: location === 'path' || !fieldSchema.safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      schema: json,
    }
  })
}

function responses(list: readonly RouteResponse[]): JsonObject {
  const out: Record<string, JsonObject> = {}
  for (const response of list) {
    const key = String(response.status)
    const existing = out[key]
    if (existing) {
      existing.description = `${existing.description as string}; ${response.description}`
      continue
    }
    out[key] = {
      description: response.description,
      ...(response.schema === undefined
        ? {}
        : {
            content: {
              [response.problem ? 'application/problem+json' : 'application/json']: {
                schema: jsonSchema(response.schema, 'output'),
              },
            },
          }),
    }
  }
  return out
}

/** Builds the document. Public routes carry `security: []`; every other route needs one of the schemes. */
export function buildOpenApiDocument(routes: readonly Route[], options: OpenApiOptions): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {}
  for (const route of routes) {
    const operation: JsonObject = {
      operationId: route.operation_id,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: [route.tag],
      ...(route.public ? { security: [] } : {}),
      parameters: [
        ...parameters('path', route.params),
        ...parameters('query', route.query),
        ...parameters('header', route.headers),
      ],
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: route.body_required !== false,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }),
      responses: responses(route.responses),
    }
    paths[route.path] ??= {}
    paths[route.path]![route.method.toLowerCase()] = operation
  }
  const securitySchemes: JsonObject = { bearer: { type: 'http', scheme: 'bearer' } }
  const security: JsonObject[] = [{ bearer: [] }]
  if (options.api_key_header) {
    securitySchemes.api_key = { type: 'apiKey', in: 'header', name: options.api_key_header }
    security.push({ api_key: [] })
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Airlock',
      version: PACKAGE_VERSION,
      description:
        'Policy enforcement for the actions AI agents take. Errors are RFC 9457 problem details with a stable `code`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: options.base_path === '' ? '/' : options.base_path }],
    security,
    paths,
    components: { securitySchemes },
  }
}
