/**
 * Airlock's REST API as a Next.js App Router route handler. Save as
 * `app/api/airlock/[...path]/route.ts`; set `AIRLOCK_API_KEY_SHA256` to the
 * SHA-256 (hex) of the key agents will send.
 *
 * @module
 */

import { allowAll, createAirlock, defineAction } from 'airlock'
import { apiKeyAuth, createHttpApp } from 'airlock/http'
import { z } from 'zod'

const lookupOrder = defineAction({
  name: 'lookup_order',
  description: 'Reads an order',
  risk: 'low',
  input: z.object({ order_id: z.string().min(1) }),
  handler: ({ order_id }) => ({ order_id, state: 'shipped' }),
})

const airlock = createAirlock({ actions: [lookupOrder], policies: [allowAll()] })

const app = createHttpApp(airlock, {
  auth: apiKeyAuth({
    keys: [{ id: 'agents', sha256: process.env.AIRLOCK_API_KEY_SHA256 ?? '', actor_id: 'web-agent' }],
  }),
  base_path: '/api/airlock',
})

// The node runtime: the pipeline uses node:crypto (and a SQLite or PostgreSQL store would need it too).
export const runtime = 'nodejs'

export const GET = (request: Request): Response | Promise<Response> => app.fetch(request)
export const POST = GET
export const HEAD = GET
