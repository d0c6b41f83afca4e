/**
 * A FAKE Kubernetes API server for tests, on loopback. It is not Kubernetes:
 * it keeps objects in memory and serves only the REST endpoints the shipped
 * Kubernetes catalogue touches (plus legacy discovery, so the real `kubectl`
 * can talk to it). A toy "controller" makes deployments instantly ready and
 * records a ReplicaSet revision per pod template; evictions honour
 * PodDisruptionBudgets (`status.disruptionsAllowed`) with a 429.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jsonPatch, mergePatch } from './fake-kubernetes-patch.js'

// biome-ignore lint/suspicious/noExplicitAny: a fake stores arbitrary Kubernetes objects and reads them loosely
type Obj = Record<string, any>

/** resource name → where it lives. */
const RESOURCES: Record<string, { group: string; kind: string; namespaced: boolean }> = {
  namespaces: { group: 'v1', kind: 'Namespace', namespaced: false },
  nodes: { group: 'v1', kind: 'Node', namespaced: false },
  pods: { group: 'v1', kind: 'Pod', namespaced: true },
  configmaps: { group: 'v1', kind: 'ConfigMap', namespaced: true },
  secrets: { group: 'v1', kind: 'Secret', namespaced: true },
  services: { group: 'v1', kind: 'Service', namespaced: true },
  deployments: { group: 'apps/v1', kind: 'Deployment', namespaced: true },
  replicasets: { group: 'apps/v1', kind: 'ReplicaSet', namespaced: true },
  horizontalpodautoscalers: { group: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespaced: true },
  networkpolicies: { group: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespaced: true },
  poddisruptionbudgets: { group: 'policy/v1', kind: 'PodDisruptionBudget', namespaced: true },
}

/** One request the fake received. */
export interface FakeRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly content_type: string | undefined
  readonly body: unknown
  /** The `Authorization` header, to check which credential reached the API. */
  readonly authorization: string | undefined
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message)
  }
}

const REVISION = 'deployment.kubernetes.io/revision'

export class FakeKubernetesApi {
  readonly requests: FakeRequest[] = []
  /** Pod logs by `namespace/pod`. */
  readonly logs = new Map<string, string>()
  private readonly objects = new Map<string, Obj>()
  private version = 1
  private refusals = 0
  private server: Server | undefined
  url = ''

  /** Adds (or replaces) an object; `kind`/`apiVersion` are filled from the resource. */
  put(resource: string, object: Obj): Obj {
    const meta = object.metadata ?? {}
    const spec = RESOURCES[resource]!
    const stored = structuredClone(object)
    stored.apiVersion = spec.group
    stored.kind = spec.kind
    stored.metadata = {
      uid: randomUUID(),
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...meta,
      resourceVersion: String(++this.version),
    }
    if (spec.namespaced) stored.metadata.namespace ??= 'default'
    if (resource === 'deployments') this.settle(stored, undefined)
    this.objects.set(this.key(resource, stored.metadata.namespace, meta.name), stored)
    return stored
  }

  get(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.objects.get(this.key(resource, namespace, name))
  }

  list(resource: string, namespace?: string): Obj[] {
    const prefix = `${resource}/${namespace ?? ''}`
    return [...this.objects.entries()]
      .filter(([k]) => (namespace === undefined ? k.startsWith(`${resource}/`) : k.startsWith(`${prefix}/`)))
      .map(([, v]) => v)
  }

  /** Forgets every object and recorded request. */
  clear(): void {
    this.objects.clear()
    this.logs.clear()
    this.requests.length = 0
    this.refusals = 0
  }

  /** The next `n` evictions are refused with 429 whatever the budgets say. */
  refuseEvictions(n: number): void {
    this.refusals = n
  }

  /** A kubeconfig (YAML) pointing at this fake with a bearer token. */
  kubeconfig(token = 'fake-token'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      `  cluster: { server: "${this.url}", insecure-skip-tls-verify: true }`,
      'users:',
      `- name: fake-user`,
      `  user: { token: "${token}" }`,
      'contexts:',
      '- name: fake',
      '  context: { cluster: fake, user: fake-user }',
      'current-context: fake',
      '',
    ].join('\n')
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private key(resource: string, namespace: string | undefined, name: string): string {
    return `${resource}/${RESOURCES[resource]?.namespaced ? (namespace ?? 'default') : ''}/${name}`
  }

  /** The toy controller: ready at once; a new pod template gets the next ReplicaSet revision. */
  private settle(d: Obj, before: Obj | undefined): void {
    d.metadata.generation =
      (before?.metadata.generation ?? 0) +
      (before && JSON.stringify(before.spec) === JSON.stringify(d.spec) ? 0 : 1)
    const replicas = d.spec?.replicas ?? 1
    d.status = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
    }
    if (before === undefined || JSON.stringify(before.spec?.template) === JSON.stringify(d.spec?.template))
      return
    const owned = this.list('replicasets', d.metadata.namespace).filter((rs) =>
      rs.metadata.ownerReferences?.some((o: Obj) => o.uid === d.metadata.uid),
    )
    const next = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0))) + 1
    const strip = (t: Obj) => {
      const c = structuredClone(t)
      delete c.metadata?.labels?.['pod-template-hash']
      return JSON.stringify(c)
    }
    let rs = owned.find((r) => strip(r.spec.template) === JSON.stringify(d.spec.template))
    if (rs === undefined) {
      rs = this.put('replicasets', {
        metadata: {
          name: `${d.metadata.name}-${next}`,
          namespace: d.metadata.namespace,
          labels: d.spec.selector?.matchLabels ?? {},
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: d.metadata.name,
              uid: d.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { template: d.spec.template },
      })
    }
    rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), [REVISION]: String(next) }
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION]: String(next) }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const contentType = req.headers['content-type']?.split(';')[0]
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      body = text
    }
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      content_type: contentType,
      body,
      authorization: req.headers.authorization,
    })
    try {
      const out = this.route(req.method ?? 'GET', url, contentType, body)
      if (typeof out === 'string') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(out)
      } else
        res.writeHead(out.code ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(out.body))
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, 'InternalError', String(error))
      res.writeHead(e.code, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: e.message,
          reason: e.reason,
          code: e.code,
        }),
      )
    }
  }

  private route(
    method: string,
    url: URL,
    contentType: string | undefined,
    body: unknown,
  ): string | { code?: number; body: unknown } {
    const discovery = this.discovery(url.pathname)
    if (discovery !== undefined) return { body: discovery }
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))\/(.*)$/.exec(url.pathname)
    if (!m) throw new HttpError(404, 'NotFound', `the fake serves no ${url.pathname}`)
    const seg = m[3]!.split('/').filter((s) => s !== '')
    let namespace: string | undefined
    if (seg[0] === 'namespaces' && seg.length >= 3) {
      namespace = seg[1]
      seg.splice(0, 2)
    }
    const [resource, name, sub] = seg as [string, string | undefined, string | undefined]
    if (RESOURCES[resource] === undefined)
      throw new HttpError(404, 'NotFound', `the fake serves no resource ${resource}`)
    if (name === undefined) return this.collection(method, resource, namespace, url.searchParams, body)
    return this.item(method, resource, namespace, name, sub, url.searchParams, contentType, body)
  }

  private notFound(resource: string, name: string): HttpError {
    return new HttpError(404, 'NotFound', `${resource} "${name}" not found`)
  }

  private collection(
    method: string,
    resource: string,
    namespace: string | undefined,
    query: URLSearchParams,
    body: unknown,
  ) {
    if (method === 'POST') {
      const object = body as Obj
      const name = object.metadata?.name
      if (this.get(resource, namespace, name))
        throw new HttpError(409, 'AlreadyExists', `${resource} "${name}" already exists`)
      return {
        code: 201,
        body: this.put(resource, {
          ...object,
          metadata: { ...object.metadata, ...(namespace ? { namespace } : {}) },
        }),
      }
    }
    let items = this.list(resource, namespace)
    const labels = query.get('labelSelector')
    if (labels) {
      const wanted = labels.split(',').map((pair) => pair.split('='))
      items = items.filter((o) => wanted.every(([k, v]) => o.metadata.labels?.[k!] === v))
    }
    const field = query.get('fieldSelector')
    if (field?.startsWith('spec.nodeName=')) items = items.filter((o) => o.spec?.nodeName === field.slice(14))
    return {
      body: {
        kind: `${RESOURCES[resource]!.kind}List`,
        apiVersion: RESOURCES[resource]!.group,
        metadata: {},
        items,
      },
    }
  }

  private item(
    method: string,
    resource: string,
    namespace: string | undefined,
    name: string,
    sub: string | undefined,
    query: URLSearchParams,
    contentType: string | undefined,
    body: unknown,
  ): string | { code?: number; body: unknown } {
    const object = this.get(resource, namespace, name)
    if (sub === 'eviction' && method === 'POST') return this.evict(namespace!, name)
    if (object === undefined) throw this.notFound(resource, name)
    if (sub === 'log') {
      const lines = (this.logs.get(`${namespace}/${name}`) ?? '').split('\n').filter((l) => l !== '')
      const tail = Number(query.get('tailLines') ?? lines.length)
      return `${lines.slice(-tail).join('\n')}\n`
    }
    if (sub === 'scale') return this.scale(method, object, contentType, body)
    if (sub !== undefined) throw new HttpError(404, 'NotFound', `the fake serves no ${resource}/${sub}`)
    if (method === 'GET') return { body: object }
    if (method === 'DELETE') {
      this.objects.delete(this.key(resource, namespace, name))
      if (resource === 'namespaces')
        for (const k of [...this.objects.keys()]) if (k.split('/')[1] === name) this.objects.delete(k)
      return { body: { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name } } }
    }
    if (method === 'PUT') return { body: this.write(resource, object, structuredClone(body) as Obj) }
    if (method === 'PATCH')
      return { body: this.write(resource, object, this.patch(object, contentType, body)) }
    throw new HttpError(405, 'MethodNotAllowed', `${method} not allowed`)
  }

  private patch(object: Obj, contentType: string | undefined, body: unknown): Obj {
    try {
      if (contentType === 'application/json-patch+json') {
        if (!Array.isArray(body)) throw new Error('a JSON patch must be a list of operations')
        return jsonPatch(object, body) as Obj
      }
      if (contentType === 'application/merge-patch+json') return mergePatch(object, body, false) as Obj
      if (contentType === 'application/strategic-merge-patch+json')
        return mergePatch(object, body, true) as Obj
    } catch (error) {
      throw new HttpError(422, 'Invalid', String((error as Error).message))
    }
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format: ${contentType}`,
    )
  }

  private write(resource: string, before: Obj, next: Obj): Obj {
    next.metadata = { ...next.metadata, uid: before.metadata.uid, resourceVersion: String(++this.version) }
    if (resource === 'deployments') this.settle(next, before)
    this.objects.set(this.key(resource, before.metadata.namespace, before.metadata.name), next)
    return next
  }

  private scale(method: string, d: Obj, contentType: string | undefined, body: unknown) {
    const asScale = (x: Obj) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: x.metadata.name,
        namespace: x.metadata.namespace,
        resourceVersion: x.metadata.resourceVersion,
      },
      spec: { replicas: x.spec.replicas },
      status: { replicas: x.status.replicas },
    })
    if (method === 'GET') return { body: asScale(d) }
    const scale = method === 'PUT' ? (body as Obj) : this.patch(asScale(d), contentType, body)
    const next = structuredClone(d)
    next.spec.replicas = scale.spec.replicas
    return { body: asScale(this.write('deployments', d, next)) }
  }

  private evict(namespace: string, name: string) {
    const pod = this.get('pods', namespace, name)
    if (pod === undefined) throw this.notFound('pods', name)
    const tooMany = () =>
      new HttpError(
        429,
        'TooManyRequests',
        "Cannot evict pod as it would violate the pod's disruption budget.",
      )
    if (this.refusals > 0) {
      this.refusals--
      throw tooMany()
    }
    const budget = this.list('poddisruptionbudgets', namespace).find((b) =>
      Object.entries(b.spec?.selector?.matchLabels ?? {}).every(([k, v]) => pod.metadata.labels?.[k] === v),
    )
    if (budget !== undefined) {
      if ((budget.status?.disruptionsAllowed ?? 0) <= 0) throw tooMany()
      budget.status.disruptionsAllowed--
    }
    this.objects.delete(this.key('pods', namespace, name))
    return { code: 201, body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } }
  }

  /** Legacy (non-aggregated) discovery, enough for kubectl to map names to resources. */
  private discovery(path: string): unknown {
    const groups = [...new Set(Object.values(RESOURCES).map((r) => r.group))].filter((g) => g !== 'v1')
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }
    if (path === '/apis') {
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((g) => {
          const [group, version] = g.split('/') as [string, string]
          const gv = { groupVersion: g, version }
          return { name: group, versions: [gv], preferredVersion: gv }
        }),
      }
    }
    const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice(6) : undefined
    if (gv === undefined || !(gv === 'v1' || groups.includes(gv))) return undefined
    const verbs = ['get', 'list', 'create', 'update', 'patch', 'delete']
    const resources = Object.entries(RESOURCES)
      .filter(([, r]) => r.group === gv)
      .flatMap(([name, r]) => {
        const base = {
          name,
          singularName: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          kind: r.kind,
          verbs,
        }
        if (name === 'deployments')
          return [
            { ...base, shortNames: ['deploy'] },
            {
              name: 'deployments/scale',
              singularName: '',
              namespaced: true,
              group: 'autoscaling',
              version: 'v1',
              kind: 'Scale',
              verbs: ['get', 'patch', 'update'],
            },
          ]
        if (name === 'pods')
          return [
            { ...base, shortNames: ['po'] },
            {
              name: 'pods/eviction',
              singularName: '',
              namespaced: true,
              group: 'policy',
              version: 'v1',
              kind: 'Eviction',
              verbs: ['create'],
            },
            { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
          ]
        return [base]
      })
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources }
  }
}

/** Starts a fake on a free loopback port. */
export function startFakeKubernetesApi(): Promise<FakeKubernetesApi> {
  return new FakeKubernetesApi().start()
}
