/**
 * A throwaway project folder for the policy tests: a config with an agent
 * and an admin API key, the echo/shout actions, and policy files the test
 * rewrites to change policy.
 *
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAirlockFromConfig } from '../../src/config/create-airlock-from-config.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createHttpApp } from '../../src/http/create-http-app.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'

export const ACTIONS = fileURLToPath(
  new URL('../../src/config/test-fixtures/ops-actions.mjs', import.meta.url),
)
export const AGENT_KEY = 'ak_policy_agent'
export const OTHER_AGENT_KEY = 'ak_policy_other'
export const ADMIN_KEY = 'ak_policy_admin'

/** Echo and shout allowed to agents. */
export const ALLOW_BOTH = `rules:
  - name: agents-echo
    match: { actions: [echo, shout], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`

/** Echo allowed, shout denied. */
export const DENY_SHOUT = `rules:
  - name: no-shouting
    priority: 200
    match: { actions: [shout] }
    decision: deny
    reason: No shouting
  - name: agents-echo
    match: { actions: [echo, shout], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`

export interface PolicyProject {
  readonly dir: string
  readonly configFile: string
  /** Replaces the enforced policy file. */
  writePolicy(text: string): Promise<void>
  remove(): Promise<void>
}

/** A project folder whose config has `extra` appended (YAML). */
export async function policyProject(
  options: { extra?: string; store?: string; policy?: string } = {},
): Promise<PolicyProject> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-policy-'))
  await mkdir(join(dir, 'policies'))
  const writePolicy = (text: string) => writeFile(join(dir, 'policies', 'rules.yaml'), text)
  await writePolicy(options.policy ?? ALLOW_BOTH)
  const configFile = join(dir, 'airlock.config.yaml')
  await writeFile(
    configFile,
    `store: ${options.store ?? 'memory'}
modules: [${ACTIONS}]
policies: [./policies]
default_decision: deny
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey(AGENT_KEY)}, actor_id: agent-1, roles: [agent] }
    - { id: other, sha256: ${hashApiKey(OTHER_AGENT_KEY)}, actor_id: agent-2, roles: [agent] }
    - { id: admin, sha256: ${hashApiKey(ADMIN_KEY)}, actor_id: root, roles: [admin, approver] }
dashboard: { enabled: false }
${options.extra ?? ''}`,
  )
  return { dir, configFile, writePolicy, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** The project's gateway in process, with its HTTP app (reload and admin roles wired as `airlock serve` does). */
export async function projectGateway(project: PolicyProject) {
  const configured = await createAirlockFromConfig(await loadConfig(project.configFile))
  const app = createHttpApp(configured.airlock, {
    auth: configured.httpOptions.auth,
    admin_roles: configured.httpOptions.admin_roles,
    reload: configured.reload,
  })
  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  return { ...configured, app, call }
}
