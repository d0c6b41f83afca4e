/**
 * A credential from Vault KV v2 (the FAKE Vault in test/helpers), scoped by
 * `{{ params.namespace }}`, used by a run whose program prints it and fails
 * with it in its error output: the secret must not be anywhere in the
 * SQLite database file afterwards.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseActionYaml } from '../../src/actions/load-actions.js'
import { createAirlock } from '../../src/airlock.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { type FakeVault, startFakeVault } from '../helpers/fake-vault.js'

const VAULT_TOKEN = 'hvs.fake-vault-token-0001'
const SECRET = 'kube-secret-3b9d7c2e-from-vault'
const node = process.execPath

const action = (name: string, script: string) =>
  parseActionYaml(
    `${name}.yaml`,
    `name: ${name}
version: "1.0.0"
description: Uses a secret from Vault
risk_class: low
target_types: [host]
parameters:
  - name: namespace
    type: string
    required: true
credentials:
  type: kubernetes
executor: subprocess
subprocess:
  argv: ["${node}", "-e", "${script}"]
  credential_env: { KUBE_TOKEN: token }
`,
  )

describe('Vault KV v2 credential (fake Vault) and the audit store on disk', () => {
  let vault: FakeVault
  let dir: string
  beforeEach(async () => {
    vault = await startFakeVault(VAULT_TOKEN)
    vault.secrets.set('secret/kubernetes/shop', { token: SECRET })
    process.env.AIRLOCK_TEST_VAULT_TOKEN = VAULT_TOKEN
    dir = await mkdtemp(join(tmpdir(), 'airlock-vault-'))
  })
  afterEach(async () => {
    await vault.stop()
    await rm(dir, { recursive: true, force: true })
    delete process.env.AIRLOCK_TEST_VAULT_TOKEN
  })

  it('fetches the scoped secret after the ticket, and no byte of it reaches the database file', async () => {
    const airlock = createAirlock({
      actions: [
        action('print-token', "process.stdout.write('using ' + process.env.KUBE_TOKEN)"),
        action(
          'leak-and-fail',
          "process.stderr.write('denied for ' + process.env.KUBE_TOKEN); process.exit(3)",
        ),
      ],
      policies: [allowAll()],
      store: sqliteStore({ path: join(dir, 'airlock.db') }),
      seal: { keys: { k: generateSealKey() }, current: 'k' },
      executors: {
        credentials: {
          kubernetes: {
            provider: 'vault',
            address: vault.url,
            token_env: 'AIRLOCK_TEST_VAULT_TOKEN',
            path: 'kubernetes/{{ params.namespace }}',
          },
        },
      },
    })
    await airlock.store.migrate()
    const caller = localPrincipal('agent-1')
    const ok = await airlock.execute('print-token', { namespace: 'shop' }, { caller })
    expect(ok).toMatchObject({ status: 'executed', result: { stdout: 'using [credential]' } })
    const failed = await airlock.execute('leak-and-fail', { namespace: 'shop' }, { caller })
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'EXECUTOR_FAILED' } })
    expect(JSON.stringify(failed)).not.toContain(SECRET)
    expect(vault.reads).toEqual([
      { path: 'secret/kubernetes/shop', token: VAULT_TOKEN },
      { path: 'secret/kubernetes/shop', token: VAULT_TOKEN },
    ])
    const missing = await airlock.execute('print-token', { namespace: 'dev' }, { caller })
    expect(missing).toMatchObject({ status: 'failed', error: { code: 'CREDENTIAL_UNAVAILABLE' } })
    expect((missing as { error: { message: string } }).error.message).toContain(
      `vault provider: no secret at ${vault.url}/v1/secret/data/kubernetes/dev`,
    )
    await airlock.close()
    // The database and any journal beside it, read as raw bytes (the events are there in plain text).
    expect((await readFile(join(dir, 'airlock.db'))).includes('leak-and-fail')).toBe(true)
    for (const file of await readdir(dir)) {
      const bytes = await readFile(join(dir, file))
      expect(bytes.includes(SECRET), file).toBe(false)
      expect(bytes.includes(VAULT_TOKEN), file).toBe(false)
    }
  })
})
