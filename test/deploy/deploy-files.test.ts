/**
 * The deployment files: what can be checked without Docker or a cluster.
 * compose.yaml, the Kubernetes manifests and the HAProxy config are parsed
 * and held to what the deployment guide promises; the gateway config they
 * mount passes `airlock validate`. (Building the image and starting the
 * stack need Docker, which this suite does not use.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { captureCli } from '../helpers/capture-cli.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const read = (path: string) => readFileSync(join(root, path), 'utf8')

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked by assertions that fail on a wrong shape
type Doc = Record<string, any>

function manifests(): Doc[] {
  const dir = join(root, 'deploy/kubernetes')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Doc))
}

const ENV = {
  AIRLOCK_STORE: 'memory',
  AIRLOCK_REDIS: 'redis://127.0.0.1:6379',
  AIRLOCK_SEAL_KEY: Buffer.alloc(32, 1).toString('base64'),
  AIRLOCK_AGENT_KEY_SHA256: 'a'.repeat(64),
  AIRLOCK_APPROVER_KEY_SHA256: 'b'.repeat(64),
}

describe('deployment files', () => {
  it('compose.yaml runs three gateway replicas on PostgreSQL and Redis behind a load balancer', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as Doc
    const services = compose.services as Record<string, Doc>
    const gateways = Object.keys(services).filter((name) => name.startsWith('airlock-'))
    expect(gateways).toHaveLength(3)
    for (const name of gateways) {
      const gateway = services[name]!
      expect(gateway.build).toBe('.')
      expect(gateway.environment.AIRLOCK_STORE).toMatch(/^postgres:\/\/.+@postgres:5432\//)
      expect(gateway.environment.AIRLOCK_REDIS).toBe('redis://redis:6379')
      expect(gateway.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      })
      expect(gateway.volumes).toContain('./deploy/airlock.config.yaml:/etc/airlock/airlock.config.yaml:ro')
    }
    expect(services.postgres?.healthcheck?.test).toBeDefined()
    expect(services.redis?.healthcheck?.test).toBeDefined()
    expect(services.loadbalancer?.ports).toEqual(['8420:8420'])
    const haproxy = read('deploy/compose/haproxy.cfg')
    for (const name of gateways) expect(haproxy).toContain(`server ${name} ${name}:8420`)
    expect(haproxy).toMatch(/option httpchk GET \/ready/)
  })

  it('the Kubernetes manifests: a Deployment probing /ready and /health, a PDB, a Service, config and secrets', () => {
    const docs = manifests()
    const byKind = (kind: string) => docs.filter((d) => d.kind === kind)
    const [deployment] = byKind('Deployment')
    const container = deployment?.spec.template.spec.containers[0]
    expect(deployment?.spec.replicas).toBeGreaterThanOrEqual(3)
    expect(container.readinessProbe.httpGet.path).toBe('/ready')
    expect(container.livenessProbe.httpGet.path).toBe('/health')
    expect(deployment?.spec.template.spec.securityContext.runAsNonRoot).toBe(true)
    expect(container.envFrom[0].secretRef.name).toBe(byKind('Secret')[0]?.metadata.name)
    const configMap = byKind('ConfigMap')[0]
    expect(deployment?.spec.template.spec.volumes[0].configMap.name).toBe(configMap?.metadata.name)
    const selector = deployment?.spec.selector.matchLabels
    expect(byKind('Service')[0]?.spec.selector).toEqual(selector)
    expect(byKind('PodDisruptionBudget')[0]?.spec.selector.matchLabels).toEqual(selector)
    for (const doc of docs) expect(doc.apiVersion, doc.kind).toMatch(/^(v1|apps\/v1|policy\/v1)$/)
  })

  it('the Dockerfile builds in stages and runs node:22-slim as a non-root user with a health check', () => {
    const dockerfile = read('Dockerfile')
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2)
    const stages = dockerfile.split(/^FROM /m)
    const last = stages.at(-1)!
    expect(last).toMatch(/^node:22-slim/)
    expect(last).toMatch(/^USER node$/m)
    expect(last).toMatch(/^HEALTHCHECK .*\n?.*\/health/m)
  })

  it('the gateway config mounted by compose and the ConfigMap passes airlock validate', async () => {
    const configMap = manifests().find((d) => d.kind === 'ConfigMap')!
    expect(configMap.data['airlock.config.yaml']).toMatch(/^store: \$\{AIRLOCK_STORE\}$/m)
    const run = await captureCli(['validate', '--config', 'airlock.config.yaml'], join(root, 'deploy'), ENV)
    expect(run.code, run.stderr).toBe(0)

    const mounted = mkdtempSync(join(tmpdir(), 'airlock-configmap-'))
    try {
      for (const [file, text] of Object.entries(configMap.data as Record<string, string>)) {
        writeFileSync(join(mounted, file), text)
      }
      const fromMap = await captureCli(['validate', '--config', 'airlock.config.yaml'], mounted, ENV)
      expect(fromMap.code, fromMap.stderr).toBe(0)
    } finally {
      rmSync(mounted, { recursive: true, force: true })
    }
  })
})
