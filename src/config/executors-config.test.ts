import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import { loadConfig } from './load-config.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-executors-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function load(executors: string) {
  const file = join(dir, 'airlock.config.yaml')
  await writeFile(file, `store: memory\nauth:\n  anonymous: true\nexecutors:\n${executors}`)
  return loadConfig(file)
}

async function failure(executors: string): Promise<string> {
  const error = await load(executors).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return (error as ConfigError).message
}

describe('executors section', () => {
  it('passes the default executor, time budget, settings and credential providers through', async () => {
    const config = await load(`  default: dry-run
  timeout: 30s
  settings:
    kubernetes: { kubeconfig_path: /etc/airlock/kubeconfig }
    aws: { region: eu-west-1, endpoint: { s3: "http://127.0.0.1:4569" } }
  credentials:
    kubernetes: { provider: env, variables: { token: KUBE_TOKEN } }
`)
    expect(config.executors).toEqual({
      default: 'dry-run',
      timeout_ms: 30_000,
      settings: {
        kubernetes: { kubeconfig_path: '/etc/airlock/kubeconfig' },
        aws: { region: 'eu-west-1', endpoint: { s3: 'http://127.0.0.1:4569' } },
      },
      credentials: { kubernetes: { provider: 'env', variables: { token: 'KUBE_TOKEN' } } },
    })
  })

  it("takes relative credential file and kubeconfig paths from the configuration file's folder", async () => {
    const config = await load(`  settings:
    kubernetes: { kubeconfig_path: secrets/kubeconfig }
  credentials:
    kubernetes: { provider: file, path: "secrets/{{ params.namespace }}.json" }
    aws: { provider: file, path: /run/secrets/aws.json }
`)
    expect(config.executors?.settings?.kubernetes).toEqual({
      kubeconfig_path: join(dir, 'secrets/kubeconfig'),
    })
    expect(config.executors?.credentials).toMatchObject({
      kubernetes: { provider: 'file', path: join(dir, 'secrets/{{ params.namespace }}.json') },
      aws: { provider: 'file', path: '/run/secrets/aws.json' },
    })
  })

  it('is null when the file has no executors section', async () => {
    const file = join(dir, 'plain.yaml')
    await writeFile(file, 'store: memory\nauth:\n  anonymous: true\n')
    expect((await loadConfig(file)).executors).toBeNull()
  })

  it.each([
    [
      '  default: ansible\n',
      ['executors.default', 'expected one of dry-run, subprocess, http, kubernetes, aws'],
    ],
    ['  timeout: soon\n', ['executors.timeout']],
    ['  settings: { docker: {} }\n', ['executors.settings', 'docker']],
    ['  settings: { http: { allow: [not-a-url] } }\n', ['executors.settings.http.allow']],
    [
      '  settings: { aws: { endpoint: { sqs: "http://127.0.0.1:1" } } }\n',
      ['executors.settings.aws.endpoint'],
    ],
    ['  credentials: { kubernetes: { provider: ldap } }\n', ['executors.credentials.kubernetes.provider']],
  ])('rejects %j naming the field', async (yaml, expected) => {
    const message = await failure(yaml)
    for (const text of expected) expect(message).toContain(text)
  })
})
