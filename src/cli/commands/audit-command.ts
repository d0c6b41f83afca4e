import { constants, createWriteStream, fchmodSync, lstatSync, openSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { AUDIT_STATUSES, type AuditEvent, type AuditStatus } from '../../audit/audit-event.js'
import { verifyStore } from '../../audit/verify-chain.js'
import type { AuditFilter, Store } from '../../store/store.js'
import { type CliIo, GREEN, paint, RED } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { formatTable } from '../table.js'
import { UsageError } from '../usage-error.js'
import { registerKeygen, registerProve, verifyEvidence, verifyShipped } from './audit-evidence-command.js'
import { registerAuditShip } from './audit-ship-command.js'
import { registerWitness } from './audit-witness-command.js'
import { registerShowState } from './run-command.js'
import { type StoreFlags, withStore, withStoreOption } from './store-option.js'

async function* chain(store: Store): AsyncGenerator<AuditEvent> {
  let after = 0
  for (;;) {
    const page = await store.audit.range(after, 1000)
    if (page.length === 0) return
    yield* page
    after = page[page.length - 1]!.seq
  }
}

function parsePositive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${name} must be a whole number ≥ 1, got '${value}'`)
  return Number(value)
}

// Verifying reads each page once, start to end: a large SQLite page cache would only hold memory.
const VERIFY_STORE = { sqliteCacheKiB: 256 } as const

// A SQLite page costs no round trip, so small pages are free; they keep few rows alive
// at once, which keeps V8's young generation from growing (measured: 256 rows ~72 MB peak, 64 rows ~63 MB).
// Other stores keep verifyStore's default, where each page is a round trip.
const verifyOptions = (store: Store) => (store.kind === 'sqlite' ? { pageSize: 64 } : {})

/**
 * Verifies an exported or shipped file; its modules (and zod's schemas) load
 * only for a file. Without a key the checkpoint line a shipped file ends with
 * cannot be vouched for, but the sizes it states can be held against the
 * events before it: a file cut short before its line does not pass.
 */
async function verifyFile(path: string) {
  const { verifyJsonlFile } = await import('../../audit/jsonl.js')
  const result = await verifyJsonlFile(path, { checkpoints: true })
  if (!result.valid || result.checkpoint === undefined) return result
  const { checkpointLineSizes } = await import('../../evidence/shipped-checkpoint-line.js')
  const { sizeProblem } = await import('../../evidence/verify-shipped.js')
  const sizes = checkpointLineSizes(result.checkpoint)
  const last = result.head?.seq ?? 0
  const problem = 'error' in sizes ? sizes.error : sizeProblem(last, sizes.size, sizes.from)
  if (problem === null) return { ...result, checkpoint_signature: 'not checked: pass --key' }
  return { valid: false as const, count: result.count, seq: last + 1, reason: problem }
}

const STATUSES: readonly AuditStatus[] = AUDIT_STATUSES

const collect = (value: string, all: string[]) => [...all, value]

interface VerifyFlags extends StoreFlags {
  json?: boolean
  checkpoint?: string
  previous?: string
  proof: string[]
  key?: string
  witness: string[]
}

/**
 * Opens the export file owner-only (0600). It must not exist unless `force`,
 * and a symbolic link is never followed: the chain could otherwise be
 * written over a file the link points at.
 */
function openExportFile(path: string, force: boolean): number {
  const { O_CREAT, O_EXCL, O_NOFOLLOW, O_TRUNC, O_WRONLY } = constants
  const flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL)
  // Said plainly first; O_NOFOLLOW and O_EXCL still hold if the path changes meanwhile.
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new UsageError(`${path} is a symbolic link; refusing to write through it`)
  }
  try {
    const fd = openSync(path, flags, 0o600)
    // A replaced file keeps its old mode otherwise.
    fchmodSync(fd, 0o600)
    return fd
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new UsageError(`${path} exists; pass --force to replace it`)
    if (code === 'ELOOP') throw new UsageError(`${path} is a symbolic link; refusing to write through it`)
    throw error
  }
}

/** Largest page asked of the store at once. */
const SHOW_PAGE = 1000

/**
 * The newest `limit` events matching `filter`. A filtered page examines only a
 * window of the history and may come back short, so pages are followed until
 * `limit` events are found or the history ends.
 */
async function latestMatching(store: Store, filter: AuditFilter, limit: number): Promise<AuditEvent[]> {
  const items: AuditEvent[] = []
  let cursor: string | null = null
  do {
    const page = await store.audit.list(filter, Math.min(limit - items.length, SHOW_PAGE), cursor)
    items.push(...page.items)
    cursor = page.next_cursor
  } while (cursor !== null && items.length < limit)
  return items
}

export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const audit = program
    .command('audit')
    .description(
      'read, export, verify and prove the audit chain; witness its checkpoints; ship it; show recorded state',
    )
  registerKeygen(audit, io)
  registerProve(audit, io)
  registerWitness(audit, io, setExit)
  registerShowState(audit, io, setExit)

  registerVerify(audit, io, setExit)
  registerShow(audit, io)
  registerExport(audit, io)
  registerAuditShip(audit, io, setExit)
}

/** `audit verify`: a store's chain, exported or shipped files, or checkpoints and proofs offline. */
function registerVerify(audit: Command, io: CliIo, setExit: (code: number) => void): void {
  withStoreOption(
    audit
      .command('verify')
      .description(
        'verify the hash chain of a store or an exported JSONL file; or, with --checkpoint, signed checkpoints and proofs offline (exit 1 if broken)',
      )
      .argument(
        '[files...]',
        'an exported JSONL file instead of the store; with --key, shipped files or downloaded S3 objects from the first (seq 1) in order, or directories of them',
      )
      .option('--json', 'machine-readable output')
      .option('--checkpoint <file>', 'a signed checkpoint to check with --key (no store needed)')
      .option('--previous <file>', 'an earlier checkpoint: check that the log only grew since')
      .option('--proof <file>', 'a proof bundle from airlock audit prove (repeatable)', collect, [])
      .option(
        '--key <key>',
        "the log's verifier key, or a file holding it: checks --checkpoint, or the checkpoints shipped files end with",
      )
      .option(
        '--witness <key>',
        "a witness's verifier key (or a file holding it) whose cosignature the checkpoint must carry (repeatable)",
        collect,
        [],
      ),
  ).action(async (files: string[], flags: VerifyFlags) => {
    if (flags.checkpoint !== undefined) {
      if (files.length > 0) {
        throw new UsageError(
          '--checkpoint checks a checkpoint note and proofs, not files: verify shipped files with <files…> --key alone, then compare their last checkpoint with --checkpoint <later> --previous <it>',
        )
      }
      const ok = await verifyEvidence(io, { ...flags, checkpoint: flags.checkpoint })
      setExit(ok ? ExitCode.OK : ExitCode.FAILED)
      return
    }
    if (flags.previous !== undefined || flags.proof.length > 0) {
      throw new UsageError('--previous and --proof need --checkpoint')
    }
    if (flags.witness.length > 0 && flags.key === undefined) {
      throw new UsageError('--witness needs --key and a checkpoint: --checkpoint <file>, or shipped files')
    }
    if (flags.key !== undefined) {
      if (files.length === 0) throw new UsageError('--key needs shipped files to verify, or --checkpoint')
      const ok = await verifyShipped(io, files, {
        key: flags.key,
        witness: flags.witness,
        ...(flags.json ? { json: true } : {}),
      })
      setExit(ok ? ExitCode.OK : ExitCode.FAILED)
      return
    }
    if (files.length > 1) {
      throw new UsageError(
        'several files are verified together against the checkpoints they end with: add --key <verifier key or file>',
      )
    }
    const file = files[0]
    const result = file
      ? await verifyFile(resolve(io.cwd, file))
      : await withStore(io, flags, (store) => verifyStore(store, verifyOptions(store)), VERIFY_STORE)
    if (flags.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    else if (result.valid) {
      const unsigned =
        'checkpoint' in result
          ? '; the checkpoint line it ends with fits them, but its signature was not checked: add --key <verifier key>'
          : ''
      io.stdout.write(`${paint(io, GREEN, 'VALID')} — ${result.count} event(s), chain intact${unsigned}\n`)
    } else {
      const where = 'line' in result ? ` (line ${result.line})` : ''
      io.stdout.write(
        `${paint(io, RED, 'INVALID')} — broken at seq ${result.seq}${where}: ${result.reason} (${result.count} event(s) verified before it)\n`,
      )
    }
    setExit(result.valid ? ExitCode.OK : ExitCode.FAILED)
  })
}

/** `audit show`: recent events, newest first, optionally filtered. */
function registerShow(audit: Command, io: CliIo): void {
  withStoreOption(
    audit
      .command('show')
      .description('show recent audit events, newest first')
      .option(
        '--last <n>',
        'how many events (with a filter: the newest n that match, however far back)',
        '20',
      )
      .option('--action <name>', 'only this action')
      .option('--actor <id>', 'only this actor')
      .option('--status <status>', `only this status (${STATUSES.join(', ')})`)
      .option('--tenant <id>', 'only this tenant')
      .option('--json', 'machine-readable output'),
  ).action(
    async (flags: {
      store?: string
      config?: string
      last?: string
      action?: string
      actor?: string
      status?: string
      tenant?: string
      json?: boolean
    }) => {
      const limit = parsePositive('--last', flags.last, 20)
      if (flags.status !== undefined && !(STATUSES as readonly string[]).includes(flags.status)) {
        throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got '${flags.status}'`)
      }
      const filter: AuditFilter = {
        ...(flags.action ? { action: flags.action } : {}),
        ...(flags.actor ? { actor: flags.actor } : {}),
        ...(flags.status ? { status: flags.status as AuditStatus } : {}),
        ...(flags.tenant ? { tenant_id: flags.tenant } : {}),
      }
      const items = await withStore(io, flags, (store) => latestMatching(store, filter, limit))
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(items, null, 2)}\n`)
        return
      }
      const rows = items.map((e) => [
        e.ts.slice(0, 19),
        `#${e.seq}`,
        e.status,
        e.action,
        e.actor,
        e.target ?? '-',
        e.reason ?? '',
      ])
      if (rows.length > 0) {
        io.stdout.write(
          formatTable([['TIME', 'SEQ', 'STATUS', 'ACTION', 'ACTOR', 'TARGET', 'REASON'], ...rows]),
        )
      }
      io.stdout.write(`${items.length} event(s).\n`)
    },
  )
}

/** `audit export`: the whole chain as canonical JSONL. */
function registerExport(audit: Command, io: CliIo): void {
  withStoreOption(
    audit
      .command('export')
      .description('export the whole chain in order, one canonical JSON event per line')
      .option('--format <format>', 'output format (jsonl)', 'jsonl')
      .option('-o, --out <file>', 'write to a file instead of stdout (created 0600)')
      .option('--force', 'replace an existing --out file (never through a symbolic link)'),
  ).action(async (flags: StoreFlags & { format?: string; out?: string; force?: boolean }) => {
    if (flags.format !== 'jsonl') throw new UsageError(`--format must be jsonl, got '${flags.format}'`)
    // Loaded here: the JSONL module brings zod's schemas, which verifying a store does not need.
    const { exportJsonl } = await import('../../audit/jsonl.js')
    await withStore(io, flags, async (store) => {
      if (flags.out) {
        const out = createWriteStream('', {
          fd: openExportFile(resolve(io.cwd, flags.out), flags.force === true),
        })
        const count = await exportJsonl(chain(store), out)
        await new Promise<void>((done, fail) =>
          out.end((error?: Error | null) => (error ? fail(error) : done())),
        )
        io.stderr.write(`exported ${count} event(s) to ${flags.out}\n`)
      } else {
        await exportJsonl(chain(store), io.stdout as unknown as NodeJS.WritableStream)
      }
    })
  })
}
