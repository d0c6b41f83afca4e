/**
 * Chooses where `airlock approval` acts from its flags: `--url` (or
 * `AIRLOCK_URL`) for a running gateway, `--store` for reading a store
 * directly, otherwise the project configuration.
 *
 * @module
 */

import { createAirlock } from '../../airlock.js'
import { generateSealKey } from '../../audit/seal.js'
import { createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import { findConfigFile } from '../../config/load-config.js'
import { localPrincipal, type Principal } from '../../identity/principal.js'
import type { CliIo } from '../cli-io.js'
import { checkGatewayUrl } from '../gateway-url.js'
import { splitList } from '../principal-flags.js'
import { UsageError } from '../usage-error.js'
import { type ApprovalBackend, gatewayBackend, storeBackend } from './approval-backend.js'
import { configFromFlags, storeFromFlag } from './serve-command.js'
import { openStoreFromFlags } from './store-option.js'

export interface ApprovalFlags {
  config?: string
  store?: string
  url?: string
  apiKey?: string
  insecure?: boolean
  unsafeLocal?: boolean
  as?: string
  roles?: string
  tenant?: string
  comment?: string
  status?: string
  limit?: string
  json?: boolean
}

/** How a store-mode decision is marked in the audit record: its identity came from flags nobody signed. */
export const UNSAFE_LOCAL_AUTH = 'cli_unsafe_local'

/**
 * Store mode acts as `--as` with `--roles`; without `--as` only reading is
 * possible. Anyone who can reach the store can claim any `--as`, so deciding
 * this way needs `--unsafe-local`, and the decision is marked as such.
 */
function storeCaller(io: CliIo, flags: ApprovalFlags, decide: boolean): Principal {
  if (decide && flags.as === undefined) {
    throw new UsageError(
      '--as <approver id> is required to decide in store mode (with --url, the API key says who you are)',
    )
  }
  if (decide && flags.unsafeLocal !== true) {
    throw new UsageError(
      'deciding against the store directly takes the approver from --as/--roles, which nobody signed: decide through a gateway (--url with an API key), or pass --unsafe-local to accept that',
    )
  }
  if (decide) {
    io.stderr.write(
      'warning: --unsafe-local: the approver identity comes from command-line flags; the decision is recorded as such\n',
    )
  }
  return {
    ...localPrincipal(flags.as ?? 'cli', {
      roles: splitList(flags.roles),
      ...(flags.tenant ? { tenant_id: flags.tenant } : {}),
    }),
    auth: decide ? UNSAFE_LOCAL_AUTH : 'cli',
  }
}

export async function openBackend(
  io: CliIo,
  flags: ApprovalFlags,
  verb: 'read' | 'approve' | 'reject',
): Promise<ApprovalBackend> {
  const modes = [flags.url, flags.config, flags.store].filter((v) => v !== undefined).length
  if (modes > 1) throw new UsageError('give one of --url, --config or --store')
  const url =
    flags.url ?? (flags.config === undefined && flags.store === undefined ? io.env.AIRLOCK_URL : undefined)
  if (url !== undefined) {
    if (flags.as !== undefined || flags.roles !== undefined || flags.tenant !== undefined) {
      throw new UsageError(
        '--as, --roles and --tenant are for store mode; with --url the API key says who you are',
      )
    }
    checkGatewayUrl(url, flags.insecure === true)
    const apiKey = flags.apiKey ?? io.env.AIRLOCK_API_KEY
    return gatewayBackend(url, apiKey === '' ? undefined : apiKey)
  }
  if (flags.apiKey !== undefined) throw new UsageError('--api-key goes with --url')
  if (flags.store !== undefined) {
    // Deciding goes through the configuration: its approver roles, its seal keys (to open the
    // held inputs) and its handlers (to run them). A bare store URL has none of these.
    if (verb !== 'read') {
      throw new UsageError(
        `${verb} needs the configuration's approver rules: pass --config (or --url of a running gateway), not --store`,
      )
    }
    const store = await openStoreFromFlags(io, { store: storeFromFlag(io, flags.store) })
    try {
      await store.migrate()
    } catch (error) {
      await store.close().catch(() => undefined)
      throw error
    }
    // Listing and showing never open sealed inputs, so a key made up here is never used.
    const airlock = createAirlock({ store, seal: { keys: { unused: generateSealKey() }, current: 'unused' } })
    return storeBackend(airlock, storeCaller(io, flags, false))
  }
  if (flags.config === undefined && findConfigFile(io.cwd) === null) {
    throw new UsageError(
      'say where approvals live: --config <file>, --store <url>, or --url <gateway> (or AIRLOCK_URL)',
    )
  }
  const caller = storeCaller(io, flags, verb !== 'read')
  const config = await configFromFlags(io, flags.config)
  const { airlock } = await createAirlockFromConfig(config)
  return storeBackend(airlock, caller)
}

export function parseLimit(value: string | undefined): number {
  if (value === undefined) return 50
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new UsageError(`--limit must be a whole number from 1 to 1000, got '${value}'`)
  }
  return Number(value)
}
