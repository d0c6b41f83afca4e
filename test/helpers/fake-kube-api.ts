/**
 * A FAKE Kubernetes API server on loopback: not a cluster, only the few REST
 * endpoints the deployment actions touch (read a deployment, patch its scale,
 * list HorizontalPodAutoscalers), answering as the real API server does, so
 * the real `@kubernetes/client-node` can be exercised against it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeDeployment {
  replicas: number
}

export interface FakeKubeApi {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string
  /** Deployments by `namespace/name`; tests read and seed them. */
  readonly deployments: Map<string, FakeDeployment>
  /** Bearer tokens seen, in order (to assert the credential reached the API, and only it). */
  readonly tokens: string[]
  close(): Promise<void>
}

const DEPLOYMENT = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/
const HPAS = /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers$/

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

function deploymentJson(namespace: string, name: string, d: FakeDeployment) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace, name },
    spec: { replicas: d.replicas },
    status: { replicas: d.replicas, availableReplicas: d.replicas, readyReplicas: d.replicas },
  }
}

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const deployments = new Map<string, FakeDeployment>()
  const tokens: string[] = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      tokens.push(String(req.headers.authorization ?? '').replace(/^Bearer /, ''))
      const path = new URL(req.url ?? '/', 'http://fake').pathname
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json))
      }
      const notFound = (what: string) =>
        send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: `${what} not found`,
        })
      const hpas = HPAS.exec(path)
      if (hpas && req.method === 'GET')
        return send(200, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscalerList', items: [] })
      const match = DEPLOYMENT.exec(path)
      if (!match) return notFound(path)
      const [, namespace = '', name = '', scale] = match
      const deployment = deployments.get(`${namespace}/${name}`)
      if (!deployment) return notFound(`deployments.apps "${name}"`)
      if (scale && req.method === 'PATCH') {
        const patch = (await body(req)) as { spec?: { replicas?: number } }
        if (typeof patch.spec?.replicas === 'number') deployment.replicas = patch.spec.replicas
      }
      if (scale) {
        return send(200, {
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: { namespace, name },
          spec: { replicas: deployment.replicas },
          status: { replicas: deployment.replicas },
        })
      }
      if (req.method === 'GET') return send(200, deploymentJson(namespace, name, deployment))
      return send(405, { kind: 'Status', code: 405, message: 'method not allowed' })
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    deployments,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
