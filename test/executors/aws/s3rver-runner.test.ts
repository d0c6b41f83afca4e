/**
 * The aws executor's S3 object action against s3rver (a real S3-compatible
 * server from npm) through the whole pipeline: the real SDK client, the
 * endpoint override, the run's credential, state before and after.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActions } from '../../../src/actions/load-actions.js'
import { resolveShippedCatalog } from '../../../src/actions/shipped-catalogs.js'
import { createAirlock } from '../../../src/airlock.js'
import { localPrincipal } from '../../../src/identity/principal.js'
import { allowAll } from '../../../src/policy/rules/index.js'

// s3rver accepts this key pair by default.
const KEY = 'S3RVER'
const SECRET = 'S3RVER'

let dir: string
let server: S3rver
let endpoint: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-s3rver-'))
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'logs', configs: [] }],
  })
  const address = await server.run()
  endpoint = `http://127.0.0.1:${address.port}`
})
afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

function client(): S3Client {
  return new S3Client({
    endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
  })
}

describe('s3-delete-object through the pipeline (s3rver)', () => {
  it('deletes the object and records its state before and after', async () => {
    const s3 = client()
    await s3.send(new PutObjectCommand({ Bucket: 'logs', Key: 'old/2024.txt', Body: 'hello s3rver' }))
    const catalog = resolveShippedCatalog('aws')
    if (!catalog.ok) throw new Error(catalog.message)
    process.env.AIRLOCK_TEST_S3_KEY = KEY
    process.env.AIRLOCK_TEST_S3_SECRET = SECRET
    const airlock = createAirlock({
      actions: await loadActions([catalog.dir]),
      policies: [allowAll()],
      executors: {
        settings: { aws: { endpoint: { s3: endpoint }, max_attempts: 1 } },
        credentials: {
          aws: {
            provider: 'env',
            variables: { access_key_id: 'AIRLOCK_TEST_S3_KEY', secret_access_key: 'AIRLOCK_TEST_S3_SECRET' },
          },
        },
      },
    })
    try {
      const params = { bucket: 'logs', key: 'old/2024.txt', region: 'eu-west-1' }
      const caller = localPrincipal('agent-1')
      const outcome = await airlock.execute('s3-delete-object', params, { caller })
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'executed' })
      await expect(
        s3.send(new HeadObjectCommand({ Bucket: 'logs', Key: 'old/2024.txt' })),
      ).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      })
      const [event] = (await airlock.audit.list({ status: 'executed' }, 1)).items
      expect(event!.context).toMatchObject({
        execution: {
          executor: 'aws',
          call: { operation: 'S3.DeleteObject' },
          state_before: { exists: true, content_length: 12 },
          state_after: { exists: false },
        },
      })
      // Deleting what is no longer there fails its blocking precheck; nothing is sent.
      const again = await airlock.execute('s3-delete-object', params, { caller })
      expect(again).toMatchObject({ status: 'failed', error: { code: 'PRECHECK_FAILED' } })
    } finally {
      await airlock.close()
      s3.destroy()
      delete process.env.AIRLOCK_TEST_S3_KEY
      delete process.env.AIRLOCK_TEST_S3_SECRET
    }
  })
})
