/**
 * The transparency log a configuration asks for: its signing key (made on
 * first use), its origin and checkpoint schedule, and the witnesses that
 * must cosign before a checkpoint is published.
 *
 * @module
 */

import { ConfigError } from '../errors/config-error.js'
import { verifierKey } from '../evidence/note-keys.js'
import {
  createTransparencyLog,
  type TransparencyLog,
  type TransparencyLogger,
} from '../evidence/transparency-log.js'
import { witnessCosigner } from '../evidence/witness-client.js'
import type { Store } from '../store/store.js'
import type { TransparencyConfig } from './transparency-config-schema.js'
import { loadTransparencyKey } from './transparency-key-file.js'

/** The name a generated key gets when the config names no origin. */
export const DEFAULT_TRANSPARENCY_ORIGIN = 'airlock.local/audit'

/** A configured log, started by the server and stopped (with a last checkpoint) when the pipeline closes. */
export interface ConfiguredTransparency {
  readonly origin: string
  /** The public key that checks the log's checkpoints; safe to publish. */
  readonly verifier_key: string
  readonly key_file: string
  /** True when the key file was made by this start. */
  readonly key_created: boolean
  /** Catches up, checkpoints, and starts the background passes. */
  start(logger?: TransparencyLogger): Promise<void>
  /** Stops the passes and issues the last checkpoint; does nothing when never started. */
  stop(): Promise<void>
  /** The running log, once started. */
  log(): TransparencyLog | null
}

/**
 * Reads (or creates) the signing key of `config.transparency` and prepares
 * its log over `store`; null when the section is absent or disabled.
 *
 * @throws ConfigError when the key file is unusable or the store keeps no
 * Merkle tree.
 */
export async function transparencyFromConfig(
  config: TransparencyConfig,
  store: Store,
): Promise<ConfiguredTransparency | null> {
  if (!config.enabled) return null
  if (!store.merkle) {
    throw new ConfigError([
      {
        file: config.key_file,
        field: 'transparency',
        message: `the ${store.kind} store keeps no Merkle tree; use the memory, sqlite or postgres store`,
      },
    ])
  }
  const key = await loadTransparencyKey(config.key_file, config.origin ?? DEFAULT_TRANSPARENCY_ORIGIN)
  const origin = config.origin ?? key.signer.name
  const publish = config.witnesses ? witnessCosigner(config.witnesses) : undefined
  let log: TransparencyLog | null = null
  return {
    origin,
    verifier_key: verifierKey(key.signer),
    key_file: config.key_file,
    key_created: key.created,
    async start(logger) {
      if (log) return
      log = createTransparencyLog({
        store,
        signer: key.signer,
        origin,
        checkpoint_every: config.checkpoint_every,
        checkpoint_interval_ms: config.checkpoint_interval_ms,
        ...(logger ? { logger } : {}),
        ...(publish ? { publish } : {}),
      })
      await log.start()
    },
    async stop() {
      await log?.stop()
    },
    log: () => log,
  }
}
