/**
 * `airlock freeze` and `airlock unfreeze`: the kill switch from a terminal,
 * either through a running gateway (`--url`, an admin API key) or straight
 * into the store of a config (every replica sharing it picks it up within a
 * second).
 *
 * @module
 */
import { userInfo } from 'node:os'
import type { Command } from 'commander'
import type { Airlock } from '../../airlock.js'
import { createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import type { Freeze, FreezeScope } from '../../store/freeze-store.js'
import { type CliIo, paint, RED } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { gatewayClient, NO_RESULTS } from '../gateway-client.js'
import { checkGatewayUrl, withInsecureOption } from '../gateway-url.js'
import { UsageError } from '../usage-error.js'
import { GatewayError, RefusedError } from './approval-backend.js'
import { configFromFlags, storeFromFlag } from './serve-command.js'

interface FreezeFlags {
  agent?: string
  action?: string
  tenant?: string
  all?: boolean
  reason?: string
  list?: boolean
  config?: string
  store?: string
  url?: string
  apiKey?: string
  insecure?: boolean
  as?: string
  json?: boolean
}

function scopeOf(flags: FreezeFlags): FreezeScope {
  const given = [flags.agent, flags.action, flags.tenant, flags.all ? true : undefined].filter(
    (v) => v !== undefined,
  )
  if (given.length !== 1) throw new UsageError('give exactly one of --agent, --action, --tenant or --all')
  if (flags.agent !== undefined) return { kind: 'agent', value: flags.agent }
  if (flags.action !== undefined) return { kind: 'action', value: flags.action }
  if (flags.tenant !== undefined) return { kind: 'tenant', value: flags.tenant }
  return { kind: 'all' }
}

function describe(freeze: Freeze): string {
  const scope = freeze.scope.kind === 'all' ? 'all' : `${freeze.scope.kind} ${freeze.scope.value}`
  const lifted = freeze.lifted_at ? `, lifted by ${freeze.lifted_by} at ${freeze.lifted_at}` : ''
  return `${freeze.id}  ${scope}  "${freeze.reason}"  by ${freeze.created_by} at ${freeze.created_at}${lifted}\n`
}

/** The freezes API of the config's store, opened for one call. */
async function withStoreAirlock<T>(
  io: CliIo,
  flags: FreezeFlags,
  work: (airlock: Airlock) => Promise<T>,
): Promise<T> {
  const config = await configFromFlags(io, flags.config)
  const { airlock } = await createAirlockFromConfig(config, {
    ...(flags.store === undefined ? {} : { store: storeFromFlag(io, flags.store) }),
  })
  try {
    return await work(airlock)
  } finally {
    await airlock.close()
  }
}

/** Runs `work` through the gateway (with --url or AIRLOCK_URL) or the store; refusals exit 1, gateway trouble 5. */
async function run(
  io: CliIo,
  flags: FreezeFlags,
  setExit: (code: number) => void,
  work: {
    http: (
      call: (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<unknown>,
    ) => Promise<unknown>
    store: (airlock: Airlock, by: string) => Promise<unknown>
  },
  print: (result: unknown) => string,
): Promise<void> {
  const url = flags.url ?? io.env.AIRLOCK_URL
  if (url !== undefined) checkGatewayUrl(url, flags.insecure === true)
  try {
    const result =
      url === undefined
        ? await withStoreAirlock(io, flags, (airlock) => work.store(airlock, flags.as ?? userInfo().username))
        : await work.http((method, path, body) =>
            gatewayClient(url, flags.apiKey ?? io.env.AIRLOCK_API_KEY, NO_RESULTS)(method, path, body),
          )
    io.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : print(result))
    setExit(ExitCode.OK)
  } catch (error) {
    if (error instanceof RefusedError || (error as { code?: string }).code === 'FREEZE_NOT_FOUND') {
      const code = (error as { code: string }).code
      io.stderr.write(`${paint(io, RED, 'refused')}: ${(error as Error).message} (${code})\n`)
      setExit(ExitCode.FAILED)
    } else if (error instanceof GatewayError) {
      io.stderr.write(`error: ${error.message}\n`)
      setExit(ExitCode.RUNTIME)
    } else throw error
  }
}

function withSource(command: Command): Command {
  return withInsecureOption(command)
    .option('--config <file>', 'write to the store of this config (default: airlock.config.yaml here)')
    .option('--store <url>', "write to this store instead of the config's")
    .option(
      '--url <url>',
      'go through a running gateway (or AIRLOCK_URL), with --api-key (or AIRLOCK_API_KEY)',
    )
    .option('--api-key <key>', 'an API key with an admin role, for --url')
    .option('--as <id>', 'store mode: who is freezing, for the audit log (default: the OS user)')
    .option('--json', 'machine-readable output')
}

export function registerFreeze(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withSource(
    program
      .command('freeze')
      .description('deny every request of an agent, action, tenant or everyone until unfrozen (kill switch)')
      .option('--agent <id>', 'freeze one agent (actor id)')
      .option('--action <name>', 'freeze one action')
      .option('--tenant <id>', 'freeze one tenant')
      .option('--all', 'freeze everything')
      .option('--reason <text>', 'why; callers are denied with it (required)')
      .option('--list', 'list the freezes in force instead'),
  ).action(async (flags: FreezeFlags) => {
    if (flags.list) {
      await run(
        io,
        flags,
        setExit,
        {
          http: async (call) => ((await call('GET', '/freeze')) as { freezes: Freeze[] }).freezes,
          store: (airlock) => airlock.freezes.list(),
        },
        (list) =>
          (list as Freeze[]).length === 0
            ? 'no freezes in force\n'
            : (list as Freeze[]).map(describe).join(''),
      )
      return
    }
    const scope = scopeOf(flags)
    if (flags.reason === undefined || flags.reason.trim() === '') throw new UsageError('--reason is required')
    const reason = flags.reason
    const body = scope.kind === 'all' ? { all: true, reason } : { [scope.kind]: scope.value, reason }
    await run(
      io,
      flags,
      setExit,
      {
        http: (call) => call('POST', '/freeze', body),
        store: (airlock, by) => airlock.freezes.freeze({ scope, reason, by }),
      },
      (freeze) => `frozen: ${describe(freeze as Freeze)}`,
    )
  })

  withSource(
    program.command('unfreeze').description('lift a freeze').argument('<id>', 'the freeze id (frz-...)'),
  ).action(async (id: string, flags: FreezeFlags) => {
    await run(
      io,
      flags,
      setExit,
      {
        http: (call) => call('POST', '/unfreeze', { id }),
        store: (airlock, by) => airlock.freezes.unfreeze(id, by),
      },
      (freeze) => `unfrozen: ${describe(freeze as Freeze)}`,
    )
  })
}
