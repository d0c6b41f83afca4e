import type { Command } from 'commander'
import { type Airlock, createAirlock } from '../../airlock.js'
import { generateSealKey } from '../../audit/seal.js'
import { createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import { findConfigFile } from '../../config/load-config.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { toWireApproval, toWireOutcome } from '../../http/to-wire.js'
import { localPrincipal, type Principal } from '../../identity/principal.js'
import type { ApprovalStatus } from '../../store/store.js'
import { type CliIo, DIM, GREEN, paint, RED, YELLOW } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { splitList } from '../principal-flags.js'
import { UsageError } from '../usage-error.js'
import { configFromFlags, storeFromFlag } from './serve-command.js'
import { openStoreFromFlags } from './store-option.js'

/*
 * Exit codes of `airlock approval ...`:
 *   0  done (listed, shown, decided; for approve: executed, or waiting for more approvers)
 *   1  refused or unsuccessful: not found, already decided, self-approval, missing
 *      approver role, unauthenticated; approve whose action then failed or was denied
 *   2  usage error     3  configuration error     5  store or gateway unreachable, server error
 */

const STATUSES: readonly ApprovalStatus[] = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'executing',
  'executed',
  'failed',
]

/** Error codes that mean "the decision was refused", not "something broke". */
const REFUSALS = new Set([
  'APPROVAL_NOT_FOUND',
  'APPROVAL_ALREADY_DECIDED',
  'APPROVAL_SELF_DECISION',
  'APPROVER_NOT_ALLOWED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
])

interface ApprovalFlags {
  config?: string
  store?: string
  url?: string
  apiKey?: string
  as?: string
  roles?: string
  tenant?: string
  comment?: string
  status?: string
  limit?: string
  json?: boolean
}

type Wire = Record<string, unknown>

/** A refusal from the store or the gateway: printed, exit 1. */
class RefusedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

/** The gateway failed or could not be reached: printed, exit 5. */
class GatewayError extends Error {}

/** Where approvals are read and decided: the store directly, or a running gateway. */
interface ApprovalBackend {
  list(
    status: ApprovalStatus | undefined,
    limit: number,
  ): Promise<{ items: Wire[]; next_cursor: string | null }>
  show(id: string): Promise<Wire>
  /** The wire body: an outcome plus `approval`, or `{ status: 'pending_approval' | 'approved', approval }`. */
  approve(id: string, comment: string | null): Promise<Wire>
  reject(id: string, comment: string | null): Promise<Wire>
  close(): Promise<void>
}

function storeBackend(airlock: Airlock, caller: Principal): ApprovalBackend {
  const refusal = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      if (AirlockError.isInstance(error) && REFUSALS.has(error.code))
        throw new RefusedError(error.message, error.code)
      throw error
    }
  }
  return {
    list: async (status, limit) => {
      const page = await airlock.approvals.list(caller, { limit, ...(status ? { status } : {}) })
      return { items: page.items.map(toWireApproval), next_cursor: page.next_cursor }
    },
    show: (id) => refusal(async () => toWireApproval(await airlock.approvals.get(caller, id))),
    approve: (id, comment) =>
      refusal(async () => {
        const result = await airlock.approvals.approve(id, { approver: caller, comment, channel: 'cli' })
        const approval = toWireApproval(result.approval)
        if (result.status === 'decided') return { ...toWireOutcome(result.outcome), approval }
        return {
          status: result.status === 'pending' ? 'pending_approval' : 'approved',
          approval_id: result.approval.id,
          approval,
        }
      }),
    reject: (id, comment) =>
      refusal(async () => {
        const approval = await airlock.approvals.reject(id, { approver: caller, comment, channel: 'cli' })
        return { status: 'rejected', approval_id: approval.id, approval: toWireApproval(approval) }
      }),
    close: () => airlock.close(),
  }
}

function gatewayBackend(baseUrl: string, apiKey: string | undefined): ApprovalBackend {
  const base = baseUrl.replace(/\/+$/, '')
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Wire> => {
    let response: Response
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      })
    } catch (error) {
      throw new GatewayError(
        `cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const text = await response.text()
    let json: unknown
    try {
      json = text === '' ? {} : JSON.parse(text)
    } catch {
      throw new GatewayError(`${method} ${path}: HTTP ${response.status}, not JSON`)
    }
    const wire = (typeof json === 'object' && json !== null ? json : {}) as Wire
    // An executed-then-failed approval answers 500 with an outcome; that is a result, not a broken gateway.
    if (response.ok || (response.status === 500 && wire.status === 'failed')) return wire
    const code = typeof wire.code === 'string' ? wire.code : `HTTP_${response.status}`
    const detail = typeof wire.detail === 'string' ? wire.detail : `HTTP ${response.status}`
    if (response.status === 400 || response.status === 422) throw new UsageError(`${detail} (${code})`)
    if (response.status >= 500) throw new GatewayError(`${detail} (${code})`)
    throw new RefusedError(detail, code)
  }
  const id = (value: string) => encodeURIComponent(value)
  return {
    list: async (status, limit) => {
      const query = new URLSearchParams({ limit: String(limit), ...(status ? { status } : {}) })
      const page = await call('GET', `/approvals?${query}`)
      return {
        items: (page.items as Wire[] | undefined) ?? [],
        next_cursor: (page.next_cursor as string | null) ?? null,
      }
    },
    show: (value) => call('GET', `/approvals/${id(value)}`),
    approve: (value, comment) =>
      call('POST', `/approvals/${id(value)}/approve`, comment === null ? {} : { comment }),
    reject: (value, comment) =>
      call('POST', `/approvals/${id(value)}/reject`, comment === null ? {} : { comment }),
    close: async () => undefined,
  }
}

/** Store mode acts as `--as` with `--roles`; without `--as` only reading is possible. */
function storeCaller(flags: ApprovalFlags, decide: boolean): Principal {
  if (decide && flags.as === undefined) {
    throw new UsageError(
      '--as <approver id> is required to decide in store mode (with --url, the API key says who you are)',
    )
  }
  return {
    ...localPrincipal(flags.as ?? 'cli', {
      roles: splitList(flags.roles),
      ...(flags.tenant ? { tenant_id: flags.tenant } : {}),
    }),
    auth: 'cli',
  }
}

async function openBackend(
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
    if (!/^https?:\/\//.test(url))
      throw new UsageError(`--url must start with http:// or https://, got '${url}'`)
    const apiKey = flags.apiKey ?? io.env.AIRLOCK_API_KEY
    return gatewayBackend(url, apiKey === '' ? undefined : apiKey)
  }
  if (flags.apiKey !== undefined) throw new UsageError('--api-key goes with --url')
  const caller = storeCaller(flags, verb !== 'read')

  if (flags.store !== undefined) {
    // Deciding goes through the configuration: its approver roles, its seal keys (to open the
    // held inputs) and its handlers (to run them). A bare store URL has none of these.
    if (verb !== 'read') {
      throw new UsageError(
        `${verb} needs the configuration's approver rules: pass --config (or --url of a running gateway), not --store`,
      )
    }
    const store = await openStoreFromFlags(io, storeFromFlag(io, flags.store))
    try {
      await store.migrate()
    } catch (error) {
      await store.close().catch(() => undefined)
      throw error
    }
    // Listing and showing never open sealed inputs, so a key made up here is never used.
    const airlock = createAirlock({ store, seal: { keys: { unused: generateSealKey() }, current: 'unused' } })
    return storeBackend(airlock, caller)
  }
  if (flags.config === undefined && findConfigFile(io.cwd) === null) {
    throw new UsageError(
      'say where approvals live: --config <file>, --store <url>, or --url <gateway> (or AIRLOCK_URL)',
    )
  }
  const config = await configFromFlags(io, flags.config)
  const { airlock } = await createAirlockFromConfig(config)
  return storeBackend(airlock, caller)
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 50
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new UsageError(`--limit must be a whole number from 1 to 1000, got '${value}'`)
  }
  return Number(value)
}

function text(value: unknown): string {
  return value === null || value === undefined ? '-' : String(value)
}

function formatApproval(io: CliIo, a: Wire): string {
  const votes = Array.isArray(a.votes) ? (a.votes as Wire[]) : []
  const lines = [
    `${paint(io, YELLOW, text(a.status).toUpperCase())}  ${text(a.id)}`,
    `  action:     ${text(a.action)}`,
    `  target:     ${text(a.target)}`,
    `  requester:  ${text(a.requester)}${Array.isArray(a.requester_roles) && a.requester_roles.length > 0 ? ` (${(a.requester_roles as string[]).join(', ')})` : ''}`,
    `  reason:     ${text(a.reason)}${a.rule ? paint(io, DIM, ` [${text(a.rule)}]`) : ''}`,
    `  risk:       ${text(a.risk_class)} → ${text(a.effective_risk)}`,
    `  created:    ${text(a.created_at)}`,
    `  expires:    ${text(a.expires_at)}`,
    `  votes:      ${votes.length} of ${text(a.required_approvals)}${votes.map((v) => `\n    - ${text(v.approver)} at ${text(v.at)}${v.comment ? `: ${text(v.comment)}` : ''}`).join('')}`,
  ]
  if (a.decided_by)
    lines.push(`  decided by: ${text(a.decided_by)}${a.comment ? ` (${text(a.comment)})` : ''}`)
  lines.push(`  inputs:     ${JSON.stringify(a.inputs ?? null)}`)
  if (a.outcome !== null && a.outcome !== undefined) lines.push(`  outcome:    ${JSON.stringify(a.outcome)}`)
  return `${lines.join('\n')}\n`
}

export function registerApproval(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const approval = program
    .command('approval')
    .description('list, show, approve and reject held requests, in a store or through a running gateway')
    .addHelpText(
      'after',
      `
Where approvals live (one of):
  --config <file>   the config's store; decisions check its approver roles and run the action here
  --store <url>     a store URL, for list and show only
  --url <url>       a running gateway (or AIRLOCK_URL), with --api-key (or AIRLOCK_API_KEY)

Exit codes:
  0  done: listed, shown, rejected; approved and executed, or waiting for more approvers
  1  refused (not found, already decided, self-approval, missing role, bad credential),
     or approved but the action then failed or was denied
  2  usage error   3  configuration error   5  store or gateway unreachable, gateway error
`,
    )

  const withSource = (command: Command, decide: boolean): Command => {
    command
      .option('--config <file>', 'act on the store of this config (default: airlock.config.yaml here)')
      .option('--store <url>', 'act on this store directly: sqlite:<path> or postgres://...')
      .option('--url <url>', 'act through a running gateway (or AIRLOCK_URL), e.g. http://127.0.0.1:8420')
      .option('--api-key <key>', 'API key for --url (or AIRLOCK_API_KEY)')
      .option('--as <id>', `store mode: the approver's id${decide ? ' (required)' : ''}`)
      .option('--roles <list>', "store mode: the approver's roles, comma-separated")
      .option('--tenant <id>', 'store mode: the tenant (default: default)')
      .option('--json', 'machine-readable output')
    return command
  }

  /** Runs a command against a backend, turning refusals into exit 1 and gateway trouble into exit 5. */
  const run = async (
    flags: ApprovalFlags,
    verb: 'read' | 'approve' | 'reject',
    work: (b: ApprovalBackend) => Promise<number>,
  ) => {
    let backend: ApprovalBackend | undefined
    try {
      backend = await openBackend(io, flags, verb)
      setExit(await work(backend))
    } catch (error) {
      if (error instanceof RefusedError) {
        io.stderr.write(`${paint(io, RED, 'refused')}: ${error.message} (${error.code})\n`)
        setExit(ExitCode.FAILED)
      } else if (error instanceof GatewayError) {
        io.stderr.write(`error: ${error.message}\n`)
        setExit(ExitCode.RUNTIME)
      } else throw error
    } finally {
      await backend?.close()
    }
  }

  withSource(
    approval
      .command('list')
      .description('list approvals, newest first (pending ones unless --status says otherwise)')
      .option('--status <status>', `pending (default), or one of ${STATUSES.join(', ')}, or all`)
      .option('--limit <n>', 'how many, 1 to 1000 (default 50)'),
    false,
  ).action(async (flags: ApprovalFlags) => {
    const limit = parseLimit(flags.limit)
    const wanted = flags.status ?? 'pending'
    if (wanted !== 'all' && !(STATUSES as readonly string[]).includes(wanted)) {
      throw new UsageError(`--status must be all or one of ${STATUSES.join(', ')}, got '${wanted}'`)
    }
    const status = wanted === 'all' ? undefined : (wanted as ApprovalStatus)
    await run(flags, 'read', async (backend) => {
      const page = await backend.list(status, limit)
      if (flags.json) io.stdout.write(`${JSON.stringify(page, null, 2)}\n`)
      else {
        for (const a of page.items) {
          io.stdout.write(
            `${text(a.id)}  ${text(a.status).padEnd(9)} ${text(a.action).padEnd(22)} requester=${text(a.requester)}  target=${text(a.target)}  expires=${text(a.expires_at)}\n`,
          )
        }
        io.stdout.write(
          `${page.items.length} approval(s)${page.next_cursor ? ' (more with --limit)' : ''}.\n`,
        )
      }
      return ExitCode.OK
    })
  })

  withSource(
    approval.command('show').description('show one approval with its redacted inputs').argument('<id>'),
    false,
  ).action(async (id: string, flags: ApprovalFlags) => {
    await run(flags, 'read', async (backend) => {
      const a = await backend.show(id)
      io.stdout.write(flags.json ? `${JSON.stringify(a, null, 2)}\n` : formatApproval(io, a))
      return ExitCode.OK
    })
  })

  withSource(
    approval
      .command('approve')
      .description('approve a held request; once enough approvers agree it runs with its original inputs')
      .argument('<id>')
      .option('--comment <text>', 'why, kept with the decision and in the audit log'),
    true,
  ).action(async (id: string, flags: ApprovalFlags) => {
    await run(flags, 'approve', async (backend) => {
      const body = await backend.approve(id, flags.comment ?? null)
      if (flags.json) io.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
      const status = text(body.status)
      if (!flags.json) {
        if (status === 'executed') {
          io.stdout.write(
            `${paint(io, GREEN, 'APPROVED')} ${id} — executed\n  result: ${JSON.stringify(body.result ?? null)}\n`,
          )
        } else if (status === 'pending_approval') {
          const a = (body.approval ?? {}) as Wire
          const votes = Array.isArray(a.votes) ? a.votes.length : '?'
          io.stdout.write(
            `${paint(io, YELLOW, 'VOTED')} ${id} — ${votes} of ${text(a.required_approvals)} approvals; waiting for more\n`,
          )
        } else if (status === 'approved') {
          io.stdout.write(`${paint(io, GREEN, 'APPROVED')} ${id} — the requester's process runs it\n`)
        } else if (status === 'failed') {
          const error = (body.error ?? {}) as Wire
          io.stdout.write(
            `${paint(io, RED, 'APPROVED, FAILED')} ${id} — the action ran and failed: ${text(error.message)}\n`,
          )
        } else {
          io.stdout.write(`${paint(io, RED, 'APPROVED, DENIED')} ${id} — ${text(body.reason)}\n`)
        }
      }
      return status === 'executed' || status === 'pending_approval' || status === 'approved'
        ? ExitCode.OK
        : ExitCode.FAILED
    })
  })

  withSource(
    approval
      .command('reject')
      .description('reject a held request; it never runs')
      .argument('<id>')
      .option('--comment <text>', 'why, kept with the decision and in the audit log'),
    true,
  ).action(async (id: string, flags: ApprovalFlags) => {
    await run(flags, 'reject', async (backend) => {
      const body = await backend.reject(id, flags.comment ?? null)
      io.stdout.write(
        flags.json ? `${JSON.stringify(body, null, 2)}\n` : `${paint(io, RED, 'REJECTED')} ${id}\n`,
      )
      return ExitCode.OK
    })
  })
}
