/**
 * `airlock audit keygen`, `audit prove`, `audit witness` and the offline
 * checks of `audit verify --checkpoint` and `audit verify <shipped files>
 * --key`: what an outsider runs with only the log's public key.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import type { Command } from 'commander'
import {
  type ConsistencyBundle,
  consistencyBundle,
  decodeProof,
  type EvidenceVerdict,
  type InclusionBundle,
  inclusionBundle,
  verifyGrowth,
  verifyInclusionBundle,
} from '../../evidence/audit-evidence.js'
import { openCheckpoint, type SignedCheckpoint } from '../../evidence/checkpoint.js'
import { cosignedAt } from '../../evidence/cosignature.js'
import {
  generateSigner,
  type NoteVerifier,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  verifierKey,
} from '../../evidence/note-keys.js'
import { shippedPaths } from '../../evidence/shipped-paths.js'
import { parseNote } from '../../evidence/signed-note.js'
import { type CliIo, GREEN, paint, RED } from '../cli-io.js'
import { UsageError } from '../usage-error.js'
import { type StoreFlags, withStore, withStoreOption } from './store-option.js'

async function readText(io: CliIo, file: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`)
  }
}

/** A verifier key given inline (`name+id+key`) or as a file holding one. */
export async function verifierArg(io: CliIo, value: string, flag: string): Promise<NoteVerifier> {
  try {
    return parseVerifierKey(value)
  } catch {
    // Not a key itself: a file holding one.
  }
  try {
    return parseVerifierKey((await readText(io, value, flag)).trim())
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`${flag}: ${(error as Error).message}`)
  }
}

async function writeOut(io: CliIo, file: string | undefined, text: string, mode = 0o644): Promise<void> {
  if (file === undefined) {
    io.stdout.write(text)
    return
  }
  const path = resolve(io.cwd, file)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text, { mode })
}

function report(io: CliIo, verdict: EvidenceVerdict): boolean {
  if (verdict.valid) io.stdout.write(`${paint(io, GREEN, 'VALID')} — ${verdict.detail}\n`)
  else io.stdout.write(`${paint(io, RED, 'INVALID')} — ${verdict.reason}\n`)
  return verdict.valid
}

function parseSize(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value))
    throw new UsageError(`${flag} must be a tree size, got '${value}'`)
  return Number(value)
}

export function registerKeygen(audit: Command, io: CliIo): void {
  audit
    .command('keygen')
    .description(
      'make a signing key for a transparency log (or, with --witness, a witness); print its public key',
    )
    .requiredOption(
      '--name <name>',
      'key name: the log origin (e.g. example.com/airlock) or the witness name',
    )
    .requiredOption('-o, --out <file>', 'where to write the private key (mode 0600; never overwritten)')
    .option('--witness', 'a witness cosigning key (cosignature/v1) instead of a log key')
    .action(async (flags: { name: string; out: string; witness?: boolean }) => {
      let made: ReturnType<typeof generateSigner>
      try {
        made = generateSigner(flags.name, flags.witness ? SIG_COSIGNATURE_V1 : SIG_ED25519)
      } catch (error) {
        throw new UsageError(`--name: ${(error as Error).message}`)
      }
      const path = resolve(io.cwd, flags.out)
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      try {
        await writeFile(path, `${made.skey}\n`, { flag: 'wx', mode: 0o600 })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new UsageError(`${flags.out} exists; refusing to overwrite a key`)
        }
        throw error
      }
      io.stderr.write(`private key written to ${flags.out}; publish the verifier key below\n`)
      io.stdout.write(`${verifierKey(made.signer)}\n`)
    })
}

export function registerProve(audit: Command, io: CliIo): void {
  withStoreOption(
    audit
      .command('prove')
      .description(
        'write the inclusion proof of an event with the checkpoint it proves into (or, with --from, a consistency proof)',
      )
      .argument('[event-id]', 'the audit event id')
      .option('--size <n>', 'prove into the checkpoint of this size (default the latest)')
      .option('--from <n>', 'a consistency proof from this size to --size (default the latest checkpoint)')
      .option('-o, --out <file>', 'write the proof bundle (JSON) here instead of stdout')
      .option('--checkpoint-out <file>', 'also write the signed checkpoint note the proof is for'),
  ).action(
    async (
      id: string | undefined,
      flags: StoreFlags & { size?: string; from?: string; out?: string; checkpointOut?: string },
    ) => {
      const size = parseSize('--size', flags.size)
      const from = parseSize('--from', flags.from)
      if ((id === undefined) === (from === undefined)) {
        throw new UsageError('give either an event id or --from <size>')
      }
      const { bundle, note } = await withStore(io, flags, async (store) => {
        const merkle = store.merkle
        if (!merkle) throw new UsageError(`the ${store.kind} store keeps no Merkle tree`)
        if (id !== undefined) {
          const b = await inclusionBundle(
            { audit: store.audit, merkle },
            id,
            size === undefined ? {} : { size },
          )
          return { bundle: b as InclusionBundle | ConsistencyBundle, note: b.checkpoint }
        }
        const cp = size === undefined ? await merkle.latestCheckpoint() : await merkle.checkpointAt(size)
        if (!cp) throw new UsageError(`no checkpoint ${size === undefined ? 'yet' : `of size ${size}`}`)
        return { bundle: await consistencyBundle(merkle, from!, cp.size), note: cp.note }
      })
      await writeOut(io, flags.out, `${JSON.stringify(bundle, null, 2)}\n`)
      if (flags.checkpointOut) await writeOut(io, flags.checkpointOut, note)
    },
  )
}

function checkInclusion(io: CliIo, raw: InclusionBundle, current: SignedCheckpoint, log: NoteVerifier) {
  const verdict = verifyInclusionBundle(raw, log)
  if (!verdict.valid || verdict.checkpoint.size !== current.size) return report(io, verdict)
  if (!Buffer.from(verdict.checkpoint.root).equals(Buffer.from(current.root))) {
    return report(io, {
      valid: false,
      reason: `the proof's checkpoint and --checkpoint have size ${current.size} but different roots: the log shows two histories`,
    })
  }
  return report(io, verdict)
}

/** `--witness` keys: each must be a witness's cosignature/v1 verifier key. */
async function witnessArgs(io: CliIo, values: readonly string[]): Promise<NoteVerifier[]> {
  return Promise.all(
    values.map(async (value) => {
      const witness = await verifierArg(io, value, '--witness')
      if (witness.type !== SIG_COSIGNATURE_V1) {
        throw new UsageError(
          `--witness: ${witness.name} is not a witness key (cosignature/v1); make one with airlock audit keygen --witness`,
        )
      }
      return witness
    }),
  )
}

/** Reports, for each witness, whether it cosigned the checkpoint note. Resolves whether all did. */
function checkCosigned(io: CliIo, note: string, size: number, witnesses: readonly NoteVerifier[]): boolean {
  const parsed = parseNote(note)
  let ok = true
  for (const witness of witnesses) {
    const at = cosignedAt(parsed, witness)
    ok =
      (at === null
        ? report(io, {
            valid: false,
            reason: `the checkpoint of size ${size} carries no valid cosignature by witness ${witness.name}`,
          })
        : reportDetail(
            io,
            `witness ${witness.name} cosigned the checkpoint of size ${size} at ${new Date(at * 1000).toISOString()}`,
          )) && ok
  }
  return ok
}

function reportDetail(io: CliIo, detail: string): true {
  io.stdout.write(`${paint(io, GREEN, 'VALID')} — ${detail}\n`)
  return true
}

/** `audit verify --checkpoint`: offline checks with only the public key. Resolves whether all held. */
export async function verifyEvidence(
  io: CliIo,
  flags: { checkpoint: string; previous?: string; proof?: string[]; key?: string; witness?: string[] },
): Promise<boolean> {
  if (flags.key === undefined) throw new UsageError('--checkpoint needs --key <verifier key or file>')
  const log = await verifierArg(io, flags.key, '--key')
  const witnesses = await witnessArgs(io, flags.witness ?? [])
  const open = async (file: string, flag: string) => {
    try {
      return openCheckpoint(await readText(io, file, flag), log)
    } catch (error) {
      if (error instanceof UsageError) throw error
      report(io, { valid: false, reason: `${file}: ${(error as Error).message}` })
      return null
    }
  }
  const current = await open(flags.checkpoint, '--checkpoint')
  if (!current) return false
  let ok = report(io, {
    valid: true,
    detail: `checkpoint of ${current.origin} at size ${current.size} is signed by ${log.name}`,
    checkpoint: current,
  })
  ok = checkCosigned(io, current.note, current.size, witnesses) && ok
  const bundles = await Promise.all(
    (flags.proof ?? []).map(
      async (f) => JSON.parse(await readText(io, f, '--proof')) as Record<string, unknown>,
    ),
  )
  for (const b of bundles.filter((x) => 'event' in x)) {
    ok = checkInclusion(io, b as unknown as InclusionBundle, current, log) && ok
  }
  if (flags.previous !== undefined) {
    const previous = await open(flags.previous, '--previous')
    if (!previous) return false
    const c = bundles.find(
      (x) => 'consistency_proof' in x && x.from === previous.size && x.to === current.size,
    )
    if (!c && previous.size !== current.size && previous.size !== 0 && current.size >= previous.size) {
      throw new UsageError(
        `--previous needs a consistency proof from ${previous.size} to ${current.size}: airlock audit prove --from ${previous.size} --size ${current.size}, or GET /audit/consistency?from=${previous.size}&to=${current.size}; pass it with --proof`,
      )
    }
    let proof: Uint8Array[]
    try {
      proof = c ? decodeProof(c.consistency_proof) : []
    } catch (error) {
      return report(io, { valid: false, reason: (error as Error).message }) && false
    }
    ok = report(io, verifyGrowth(previous, current, proof)) && ok
  }
  return ok
}

/** The files to verify, directories expanded to their `*.jsonl` files in name order. */
async function expandPaths(io: CliIo, files: readonly string[]): Promise<string[]> {
  try {
    return await shippedPaths(files.map((f) => resolve(io.cwd, f)))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(
      code ? `cannot read ${(error as NodeJS.ErrnoException).path}: ${code}` : (error as Error).message,
    )
  }
}

/** A path as the user would name it: relative to the working directory when under it. */
function shownPath(io: CliIo, path: string): string {
  const rel = relative(io.cwd, path)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

/**
 * `audit verify <files…> --key`: shipped files, from the one holding seq 1
 * in order, checked against the signed checkpoints they end with. Resolves
 * whether they held.
 */
export async function verifyShipped(
  io: CliIo,
  files: readonly string[],
  flags: { key: string; json?: boolean; witness?: string[] },
): Promise<boolean> {
  const log = await verifierArg(io, flags.key, '--key')
  const witnesses = await witnessArgs(io, flags.witness ?? [])
  const paths = await expandPaths(io, files)
  // Loaded here: with its schemas it would weigh on every other `audit verify`'s memory.
  const { verifyShippedFiles } = await import('../../evidence/verify-shipped.js')
  const result = await verifyShippedFiles(paths, log)
  if (flags.json) {
    const cosigned =
      result.valid && witnesses.every((w) => cosignedAt(parseNote(result.checkpoint.note), w) !== null)
    io.stdout.write(`${JSON.stringify(witnesses.length > 0 ? { ...result, cosigned } : result, null, 2)}\n`)
    return result.valid && cosigned
  }
  if (!result.valid) {
    // The reason names the line when there is one.
    const given = files.find((f) => resolve(io.cwd, f) === result.file)
    const shown = given ?? shownPath(io, result.file)
    report(io, {
      valid: false,
      reason: `${shown}: ${result.reason} (${result.count} event(s) verified before it)`,
    })
    return false
  }
  const { origin, size } = result.checkpoint
  const signed =
    size === result.count
      ? `they hash to the root ${log.name} signed for ${origin} at size ${size}`
      : `a consistency proof shows them to be the first ${result.count} of the ${size} events ${log.name} signed for ${origin} at size ${size}`
  io.stdout.write(
    `${paint(io, GREEN, 'VALID')} — ${result.count} event(s) in ${result.files} file(s): chain intact, and ${signed}\n`,
  )
  return checkCosigned(io, result.checkpoint.note, size, witnesses)
}
