/**
 * Where `airlock run`, `airlock rollback` and `airlock audit show-state`
 * act: a pipeline built from the project configuration in this process, or
 * a running gateway over HTTP (`--url` / `AIRLOCK_URL`, `AIRLOCK_API_KEY`).
 * Both answer with the gateway's wire shapes, so the commands print the same
 * thing either way.
 *
 * @module
 */
import type { Airlock } from '../../airlock.js'
import { createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { toWireDryRun, toWireOutcome } from '../../http/to-wire.js'
import { localPrincipal, type Principal } from '../../identity/principal.js'
import type { DryRunOutcome, Outcome } from '../../outcome.js'
import type { CliIo } from '../cli-io.js'
import { GatewayError, gatewayClient, RefusedError, type Wire } from '../gateway-client.js'
import { checkGatewayUrl } from '../gateway-url.js'
import { principalFromFlags } from '../principal-flags.js'
import { UsageError } from '../usage-error.js'
import { configFromFlags } from './serve-command.js'

/** Error codes that mean "refused", not "something broke". */
const REFUSALS = new Set(['ROLLBACK_UNAVAILABLE', 'EVIDENCE_NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED'])

/** What the execution commands ask of where they act. */
export interface RunBackend {
  /** An outcome (or, with `dry_run`, the plan) as the execute route answers it. */
  run(action: string, inputs: Record<string, unknown>, target: string | null, dry_run: boolean): Promise<Wire>
  rollbackPlan(audit_id: string): Promise<Wire>
  /** The outcome of the undo, with its `plan`. */
  rollbackRun(audit_id: string): Promise<Wire>
  event(audit_id: string): Promise<Wire>
  close(): Promise<void>
}

export interface RunFlags {
  config?: string
  url?: string
  apiKey?: string
  insecure?: boolean
  caller?: string
  roles?: string
  groups?: string
  tenant?: string
}

function localBackend(airlock: Airlock, caller: Principal): RunBackend {
  const refusal = async (work: () => Promise<Wire>): Promise<Wire> => {
    try {
      return await work()
    } catch (error) {
      if (AirlockError.isInstance(error) && REFUSALS.has(error.code))
        throw new RefusedError(error.message, error.code)
      throw error
    }
  }
  return {
    run: async (action, inputs, target, dry_run) =>
      dry_run
        ? toWireOutcomeOrPlan(await airlock.execute(action, inputs, { caller, target, dry_run: true }))
        : toWireOutcome(await airlock.execute(action, inputs, { caller, target })),
    rollbackPlan: (id) => refusal(async () => ({ ...(await airlock.rollback.plan(id, caller)) })),
    rollbackRun: (id) =>
      refusal(async () => {
        const { plan, outcome } = await airlock.rollback.run(id, caller)
        return { ...toWireOutcome(outcome), plan }
      }),
    event: (id) => refusal(async () => ({ ...(await airlock.audit.get(id, caller)) })),
    close: () => airlock.close(),
  }
}

function toWireOutcomeOrPlan(outcome: Outcome | DryRunOutcome): Wire {
  return outcome.status === 'dry_run' ? toWireDryRun(outcome) : toWireOutcome(outcome)
}

const OUTCOMES = new Set(['executed', 'denied', 'failed', 'pending_approval'])

function remoteBackend(url: string, apiKey: string | undefined): RunBackend {
  // A denied or failed outcome answers 403 / 500 with its body: a result, not an error.
  const call = gatewayClient(url, apiKey, (_status, wire) => OUTCOMES.has(String(wire.status)))
  const id = (value: string) => encodeURIComponent(value)
  return {
    run: (action, inputs, target, dry_run) =>
      call('POST', `/actions/${id(action)}/execute${dry_run ? '?dry_run=true' : ''}`, {
        inputs,
        ...(target === null ? {} : { target }),
      }),
    rollbackPlan: (value) => call('POST', `/audit/${id(value)}/rollback?dry_run=true`),
    rollbackRun: (value) => call('POST', `/audit/${id(value)}/rollback`),
    event: (value) => call('GET', `/audit/${id(value)}`),
    close: async () => undefined,
  }
}

/** The backend the flags name: `--url` (or `AIRLOCK_URL` without `--config`), else the project configuration. */
export async function openRunBackend(io: CliIo, flags: RunFlags): Promise<RunBackend> {
  if (flags.url !== undefined && flags.config !== undefined)
    throw new UsageError('give --url or --config, not both')
  const url = flags.url ?? (flags.config === undefined ? io.env.AIRLOCK_URL : undefined)
  if (url !== undefined && url !== '') {
    if (flags.caller !== undefined || flags.roles !== undefined || flags.tenant !== undefined) {
      throw new UsageError(
        '--caller, --roles and --tenant are for local runs; with --url the API key says who you are',
      )
    }
    checkGatewayUrl(url, flags.insecure === true)
    const apiKey = flags.apiKey ?? io.env.AIRLOCK_API_KEY
    return remoteBackend(url, apiKey === '' ? undefined : apiKey)
  }
  if (flags.apiKey !== undefined) throw new UsageError('--api-key goes with --url')
  const caller = principalFromFlags(flags) ?? { ...localPrincipal('cli'), auth: 'cli' }
  const { airlock } = await createAirlockFromConfig(await configFromFlags(io, flags.config))
  return localBackend(airlock, caller)
}

export { GatewayError, RefusedError, type Wire }
