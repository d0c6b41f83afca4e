/**
 * The S3 sink: one object per batch in S3 or any S3-compatible store
 * (MinIO, Ceph, R2, ...), through the AWS SDK v3.
 *
 * @remarks Each object is `<prefix><first seq>-<last seq>.jsonl` (seqs
 * zero-padded to 12 digits, so keys list in chain order): the batch's events
 * as canonical JSON lines, then, when the log issues checkpoints, a signed
 * checkpoint covering every event of the object as its last line. The
 * shipper ships only events a checkpoint covers ({@link Sink.checkpointed});
 * when the object ends before the checkpoint, the line carries the
 * consistency proof from the object's last seq to it, so downloaded objects
 * verify offline with only the log's public key. The object's metadata
 * repeats `first-seq`, `last-seq` and `checkpoint-size`. A batch counts as delivered when
 * `PutObject` succeeds. `@aws-sdk/client-s3` is an optional peer, loaded only
 * when an S3 sink is created.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { coveredCheckpointLine, eventLines } from './batch-lines.js'
import type { Sink } from './sink.js'

/** The slice of an SDK v3 S3 client the sink uses. */
export interface S3ClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>
  destroy(): void
}

/** Options of {@link s3Sink}. */
export interface S3SinkConfig {
  readonly bucket: string
  /** Key prefix, e.g. `airlock/audit/`. Default none. */
  readonly prefix?: string
  /** Default `us-east-1` (the SDK needs one even for other S3-compatible stores). */
  readonly region?: string
  /** An S3-compatible endpoint instead of AWS. */
  readonly endpoint?: string
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible stores want. */
  readonly force_path_style?: boolean
  /**
   * The gateway runs a transparency log: ship only events a checkpoint covers
   * (nothing before the log's first one), each object ending with that
   * checkpoint and, when it covers more, the consistency proof to it, so
   * every object passes `audit verify --key`. Otherwise (default false)
   * objects carry the newest checkpoint there is, which need not cover them.
   */
  readonly await_checkpoint?: boolean
  /**
   * The longest one upload may take, in milliseconds; a slower one fails and
   * is retried. Default 120,000. The SDK's own HTTP handler waits for ever: an
   * endpoint that accepts the connection and never answers would hold the
   * shipper (and, with replicas, the store connection its pass holds).
   */
  readonly timeout_ms?: number
  /** Static credentials; default: the SDK's own chain (environment, profile, instance role). */
  readonly credentials?: {
    readonly access_key_id: string
    readonly secret_access_key: string
    readonly session_token?: string
  }
}

const pad = (seq: number) => String(seq).padStart(12, '0')

type S3Module = {
  S3Client: new (config: Record<string, unknown>) => S3ClientLike
  PutObjectCommand: new (input: Record<string, unknown>) => unknown
}

async function loadS3(): Promise<S3Module> {
  try {
    return (await import('@aws-sdk/client-s3')) as unknown as S3Module
  } catch (cause) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'the s3 shipper needs the package @aws-sdk/client-s3; install it (npm install @aws-sdk/client-s3)',
      { cause },
    )
  }
}

/** Creates an S3 sink. */
export function s3Sink(config: S3SinkConfig): Sink {
  if (typeof config?.bucket !== 'string' || config.bucket === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 's3Sink needs a bucket')
  }
  let sdk: Promise<{ client: S3ClientLike; Put: S3Module['PutObjectCommand'] }> | null = null
  const connect = async () => {
    const { S3Client, PutObjectCommand } = await loadS3()
    const c = config.credentials
    const client = new S3Client({
      region: config.region ?? 'us-east-1',
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.force_path_style ? { forcePathStyle: true } : {}),
      ...(c
        ? {
            credentials: {
              accessKeyId: c.access_key_id,
              secretAccessKey: c.secret_access_key,
              ...(c.session_token ? { sessionToken: c.session_token } : {}),
            },
          }
        : {}),
    })
    return { client, Put: PutObjectCommand }
  }
  return {
    kind: 's3',
    // Only while a log issues checkpoints: waiting for them otherwise (a log
    // switched off, an old checkpoint left in the store) would stop shipping for good.
    ...(config.await_checkpoint === true ? { checkpointed: { await_first: true } } : {}),
    async deliver(batch) {
      sdk ??= connect()
      sdk.catch(() => {
        sdk = null
      })
      const { client, Put } = await sdk
      const first = batch.events[0]!.seq
      const last = batch.events[batch.events.length - 1]!.seq
      const cp = batch.checkpoint
      await client.send(
        new Put({
          Bucket: config.bucket,
          Key: `${config.prefix ?? ''}${pad(first)}-${pad(last)}.jsonl`,
          Body: eventLines(batch.events) + (cp ? coveredCheckpointLine(cp, last, batch.consistency) : ''),
          ContentType: 'application/x-ndjson',
          Metadata: {
            'first-seq': String(first),
            'last-seq': String(last),
            ...(cp ? { 'checkpoint-size': String(cp.size) } : {}),
          },
        }),
        { abortSignal: AbortSignal.timeout(config.timeout_ms ?? 120_000) },
      )
    },
    async close() {
      const pending = sdk
      sdk = null
      if (pending) (await pending.catch(() => null))?.client.destroy()
    },
  }
}
