/**
 * S3 on loopback for tests: s3rver (a real S3-compatible server storing
 * objects in a directory), which can be stopped and started again on the same
 * port and directory, plus a client to read back what was stored.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

export const LOCAL_S3_CREDENTIALS = { access_key_id: 'S3RVER', secret_access_key: 'S3RVER' }

export interface LocalS3 {
  readonly endpoint: string
  /** Keys under `prefix` in `bucket`, listed in key order, with their bodies. */
  objects(
    bucket: string,
    prefix?: string,
  ): Promise<{ key: string; body: string; metadata: Record<string, string> }[]>
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'airlock-s3rver-'))
  let server: S3rver | null = null
  let port = 0
  const up = async () => {
    const s = new S3rver({
      address: '127.0.0.1',
      port,
      directory,
      silent: true,
      configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    })
    port = (await s.run()).port
    server = s
  }
  await up()
  const endpoint = `http://127.0.0.1:${port}`
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })
  return {
    endpoint,
    async objects(bucket, prefix = '') {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))
      const out = []
      for (const { Key } of listed.Contents ?? []) {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: Key! }))
        out.push({ key: Key!, body: await got.Body!.transformToString(), metadata: got.Metadata ?? {} })
      }
      return out.sort((a, b) => (a.key < b.key ? -1 : 1))
    },
    async down() {
      const s = server
      server = null
      await s?.close()
    },
    up,
    async close() {
      client.destroy()
      const s = server
      server = null
      await s?.close()
    },
  }
}
