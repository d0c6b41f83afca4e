/**
 * `airlock audit witness`: cosigns a log's checkpoints only while the log
 * merely grows, remembering the last one per origin in a state file. Once
 * for a checkpoint file, or as a tlog-witness HTTP endpoint with --listen.
 *
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { decodeProof } from '../../evidence/audit-evidence.js'
import { fileWitnessState } from '../../evidence/file-witness-state.js'
import { parseSignerKey, SIG_COSIGNATURE_V1 } from '../../evidence/note-keys.js'
import { createWitness } from '../../evidence/witness.js'
import { type CliIo, GREEN, paint, RED } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { UsageError } from '../usage-error.js'
import { verifierArg } from './audit-evidence-command.js'

interface WitnessFlags {
  key: string
  log: string[]
  state: string
  checkpoint?: string
  proof?: string
  out?: string
  listen?: string
  host: string
}

async function read(io: CliIo, file: string, flag: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`)
  }
}

async function witnessFrom(io: CliIo, flags: WitnessFlags) {
  let signer: ReturnType<typeof parseSignerKey>
  try {
    signer = parseSignerKey(await read(io, flags.key, '--key'))
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`--key: ${(error as Error).message}`)
  }
  if (signer.type !== SIG_COSIGNATURE_V1) {
    throw new UsageError('--key must be a witness key: make one with airlock audit keygen --witness')
  }
  const logs = new Map()
  for (const value of flags.log) {
    const log = await verifierArg(io, value, '--log')
    logs.set(log.name, log)
  }
  return createWitness({ signer, logs, state: fileWitnessState(resolve(io.cwd, flags.state)) })
}

/** Serves the witness until SIGINT or SIGTERM. */
async function listen(io: CliIo, flags: WitnessFlags, port: number): Promise<void> {
  // The HTTP stack loads only for a witness that serves.
  const [{ serve }, { witnessHandler }] = await Promise.all([
    import('@hono/node-server'),
    import('../../evidence/witness-http.js'),
  ])
  const handler = witnessHandler(await witnessFrom(io, flags))
  const server = serve({ fetch: handler, port, hostname: flags.host })
  await new Promise<void>((done, fail) => {
    server.once('listening', done)
    server.once('error', fail)
  })
  const address = server.address()
  const bound = typeof address === 'object' && address ? address.port : port
  io.stderr.write(`witness listening on http://${flags.host}:${bound}\n`)
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      server.close(() => done())
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

export function registerWitness(audit: Command, io: CliIo, setExit: (code: number) => void): void {
  audit
    .command('witness')
    .description('cosign a checkpoint only if the log merely grew since the last one this witness saw')
    .requiredOption('--key <file>', 'the witness private key (airlock audit keygen --witness)')
    .requiredOption(
      '--log <key>',
      "a log's verifier key, or a file holding it (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .requiredOption(
      '--state <file>',
      'where the witness keeps the last checkpoint per log (created when missing)',
    )
    .option('--checkpoint <file>', 'the signed checkpoint to cosign')
    .option('--proof <file>', 'the consistency proof (airlock audit prove --from <witnessed size>)')
    .option('-o, --out <file>', 'write the cosigned checkpoint here instead of stdout')
    .option('--listen <port>', 'serve POST /add-checkpoint (C2SP tlog-witness) on this port instead')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (flags: WitnessFlags) => {
      if (flags.listen !== undefined)
        return listen(io, flags, (await import('./serve-command.js')).parsePort(flags.listen))
      if (flags.checkpoint === undefined) throw new UsageError('give --checkpoint <file> or --listen <port>')
      const witness = await witnessFrom(io, flags)
      const note = await read(io, flags.checkpoint, '--checkpoint')
      let proof: Uint8Array[] = []
      let old: number | undefined
      if (flags.proof !== undefined) {
        const bundle = JSON.parse(await read(io, flags.proof, '--proof')) as {
          from?: unknown
          consistency_proof?: unknown
        }
        try {
          proof = decodeProof(bundle.consistency_proof)
        } catch (error) {
          throw new UsageError(`--proof: ${(error as Error).message}`)
        }
        if (typeof bundle.from === 'number') old = bundle.from
      }
      const verdict = await witness.observe(note, proof, old)
      if (verdict.kind === 'refused') {
        io.stdout.write(`${paint(io, RED, 'REFUSED')} — ${verdict.reason}\n`)
        setExit(ExitCode.FAILED)
        return
      }
      if (flags.out) {
        await writeFile(resolve(io.cwd, flags.out), verdict.note)
        io.stdout.write(`${paint(io, GREEN, 'COSIGNED')} — size ${verdict.size}, written to ${flags.out}\n`)
      } else io.stdout.write(verdict.note)
    })
}
