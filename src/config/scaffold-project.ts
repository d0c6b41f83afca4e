/**
 * The starter project `airlock init` writes: a config, one action, one
 * policy, an inventory and a policy test file that all agree with each other.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { generateApiKey, hashApiKey } from '../identity/auth/generate-api-key.js'

/** What {@link scaffoldProject} did. */
export interface ScaffoldResult {
  /** Paths written, relative to the project folder, in order. */
  readonly created: readonly string[]
  /** Paths left alone because they already existed. */
  readonly skipped: readonly string[]
  /**
   * The new agent API key, when the config file was written (its hash is in
   * it). Shown once: only the hash is stored anywhere.
   */
  readonly api_key: string | null
}

const config = (
  keyHash: string,
) => `# Airlock configuration. Relative paths are taken from this file's folder.
# Reference: durations like 30s, 5m, 24h; \${VAR} reads an environment variable.

store: sqlite:./.airlock/airlock.db
actions: [./actions]
policies: [./policies]
default_decision: deny
inventory: ./inventory.yaml

auth:
  api_keys:
    # Only the SHA-256 of the key is stored; the key was printed once by airlock init.
    - id: agent
      sha256: ${keyHash}
      actor_id: agent-1
      roles: [agent]

approvals:
  ttl: 24h
  approver_roles: [approver]
  allow_self_approval: false

# Encrypts the inputs of held requests; created with mode 0600 on first start.
seal:
  key_file: ./.airlock/seal.key

server:
  host: 127.0.0.1
  port: 8420
`

const ACTION = `name: restart-deployment
version: "1.0.0"
description: Restart every pod of a deployment with a rolling restart.
parameters:
  - name: namespace
    type: string
    description: Namespace of the deployment
    constraints:
      pattern: "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
  - name: deployment
    type: string
    description: Name of the deployment
risk_class: medium
target_types: [k8s-deployment]
tags: [kubernetes]
`

const POLICY = `# Rules are tried from the highest priority down; the first match decides,
# and a request no rule matches is denied (default_decision in the config).
rules:
  - name: require-approval-critical
    priority: 1000
    match:
      risk_classes: [critical]
    decision: require_approval
    reason: Critical-risk requests need a human to approve them

  - name: require-approval-prod
    priority: 500
    match:
      targets:
        environments: [prod]
    decision: require_approval
    reason: Production changes need explicit approval

  - name: allow-dev
    priority: 10
    match:
      targets:
        environments: [dev, staging]
      callers:
        roles: [agent]
    decision: allow
    reason: Agents may act outside production
`

const INVENTORY = `# What actions may be aimed at. Sensitivity raises an action's effective risk.
targets:
  - id: prod/api-server
    type: k8s-deployment
    environment: prod
    sensitivity: critical
  - id: staging/api-server
    type: k8s-deployment
    environment: staging
    sensitivity: internal
  - id: dev/test-app
    type: k8s-deployment
    environment: dev
    sensitivity: public
`

const TESTS = `# Expected decisions; run with: airlock test tests
tests:
  - name: dev-restart-allowed
    action: restart-deployment
    target: dev/test-app
    caller: { id: agent-1, roles: [agent] }
    params: { namespace: dev, deployment: test-app }
    expect: allow

  - name: prod-restart-needs-approval
    action: restart-deployment
    target: prod/api-server
    caller: { id: agent-1, roles: [agent] }
    params: { namespace: prod, deployment: api-server }
    expect: require_approval

  - name: unknown-caller-denied
    action: restart-deployment
    target: dev/test-app
    caller: { id: stranger }
    params: { namespace: dev, deployment: test-app }
    expect: deny
`

const GITIGNORE = `# The database and the seal key live here; never commit them.
.airlock/
`

/**
 * Writes a starter project into `dir` (created if needed), never replacing a
 * file that exists.
 *
 * @remarks Files are created with an exclusive open, so a file that appears
 * between the check and the write is still not overwritten. A new API key is
 * generated only when the config file itself is written.
 */
export async function scaffoldProject(dir: string): Promise<ScaffoldResult> {
  const key = generateApiKey()
  const files: [string, string][] = [
    ['airlock.config.yaml', config(hashApiKey(key))],
    ['actions/restart-deployment.yaml', ACTION],
    ['policies/default.yaml', POLICY],
    ['inventory.yaml', INVENTORY],
    ['tests/default.yaml', TESTS],
    ['.gitignore', GITIGNORE],
  ]
  const created: string[] = []
  const skipped: string[] = []
  for (const [relative, text] of files) {
    const path = join(dir, relative)
    await mkdir(dirname(path), { recursive: true })
    try {
      await writeFile(path, text, { flag: 'wx' })
      created.push(relative)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      skipped.push(relative)
    }
  }
  return { created, skipped, api_key: created.includes('airlock.config.yaml') ? key : null }
}
