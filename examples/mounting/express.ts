/**
 * Airlock's REST API inside an existing Express app, under `/airlock`.
 *
 * Run it with `node --import jiti/register examples/mounting/express.ts`.
 *
 * @module
 */
import { pathToFileURL } from 'node:url'
import { getRequestListener } from '@hono/node-server'
import { allowAll, createAirlock, defineAction } from 'airlock'
import { apiKeyAuth, createHttpApp, generateApiKey, hashApiKey } from 'airlock/http'
import express, { type Express } from 'express'
import { z } from 'zod'

const MOUNT = '/airlock'

const lookupOrder = defineAction({
  name: 'lookup_order',
  description: 'Finds an order by id',
  risk: 'low',
  input: z.object({ order_id: z.string().min(1) }),
  handler: ({ order_id }) => ({ order_id, status: 'shipped' }),
})

/** An Express app with its own routes and Airlock under `/airlock`. */
export function createExpressApp(options: { readonly api_key: string }): {
  app: Express
  close: () => Promise<void>
} {
  const airlock = createAirlock({ actions: [lookupOrder], policies: [allowAll()] })
  const api = createHttpApp(airlock, {
    auth: apiKeyAuth({ keys: [{ id: 'shop', sha256: hashApiKey(options.api_key), actor_id: 'shop-agent' }] }),
    base_path: MOUNT,
  })
  const listener = getRequestListener(api.fetch)
  const app = express()
  // Before any body parser: Airlock reads (and size-limits) the raw body itself. A route
  // pattern rather than `app.use(MOUNT, ...)`, which would strip the prefix from the URL.
  app.all([MOUNT, `${MOUNT}/*rest`], (req, res) => {
    void listener(req, res)
  })
  app.use(express.json())
  app.get('/orders', (_req, res) => {
    res.json({ orders: [] })
  })
  return { app, close: () => airlock.close() }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api_key = process.env.AIRLOCK_API_KEY ?? generateApiKey()
  const port = Number(process.env.PORT ?? 3000)
  createExpressApp({ api_key }).app.listen(port, () => {
    console.log(`Airlock on http://localhost:${port}${MOUNT} (API key: ${api_key})`)
  })
}
