/**
 * Airlock's REST API mounted under `/airlock` in a plain `node:http` server
 * that also serves the rest of an application.
 *
 * Run it with `node --import jiti/register examples/mounting/node-http.ts`;
 * it prints an API key to try with
 * `curl -H "Authorization: Bearer <key>" localhost:3000/airlock/actions`.
 *
 * @module
 */
import { createServer, type Server } from 'node:http'
import { pathToFileURL } from 'node:url'
import { getRequestListener } from '@hono/node-server'
import { allowAll, createAirlock, defineAction } from 'airlock'
import { apiKeyAuth, createHttpApp, generateApiKey, hashApiKey } from 'airlock/http'
import { z } from 'zod'

const MOUNT = '/airlock'

const greet = defineAction({
  name: 'greet',
  description: 'Says hello',
  risk: 'low',
  input: z.object({ name: z.string().min(1).max(100) }),
  handler: ({ name }) => ({ greeting: `Hello, ${name}!` }),
})

/** A server with Airlock under `/airlock`, accepting one API key. */
export function createExampleServer(options: { readonly api_key: string }): Server {
  const airlock = createAirlock({ actions: [greet], policies: [allowAll()] })
  const app = createHttpApp(airlock, {
    // Configuration holds only the key's hash.
    auth: apiKeyAuth({
      keys: [{ id: 'example', sha256: hashApiKey(options.api_key), actor_id: 'example-agent' }],
    }),
    base_path: MOUNT,
  })
  const airlockListener = getRequestListener(app.fetch)
  const server = createServer((req, res) => {
    if (req.url === MOUNT || req.url?.startsWith(`${MOUNT}/`)) {
      void airlockListener(req, res)
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('The rest of your application\n')
  })
  server.on('close', () => {
    void airlock.close()
  })
  return server
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api_key = process.env.AIRLOCK_API_KEY ?? generateApiKey()
  const port = Number(process.env.PORT ?? 3000)
  createExampleServer({ api_key }).listen(port, () => {
    console.log(`Airlock on http://localhost:${port}${MOUNT} (API key: ${api_key})`)
  })
}
