/**
 * The outsider's commands: a key made with `audit keygen`, proofs written
 * by `audit prove`, checked by `audit verify --checkpoint` with only the
 * public key, and a witness that cosigns growth and refuses a fork.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSignerKey } from '../../src/evidence/note-keys.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { runAirlock } from '../helpers/airlock-binary.js'
import { sampleEvent } from '../store/conformance.js'

const ORIGIN = 'example.test/airlock'
let dir: string
let vkey: string
const cli = (argv: string[]) => runAirlock(argv, dir)
const file = (name: string) => join(dir, name)

/** A store of `first` events checkpointed, then `more` events checkpointed again, signed with log.key. */
async function history(name: string, first: number, more: number, reason: string) {
  const store = sqliteStore({ path: file(`${name}.db`) })
  await store.migrate()
  const signer = parseSignerKey(readFileSync(file('log.key'), 'utf8'))
  const log = createTransparencyLog({ store, signer })
  const a = await store.audit.append(Array.from({ length: first }, () => sampleEvent({ reason })))
  await log.checkpoint()
  await store.audit.append(Array.from({ length: more }, () => sampleEvent({ reason })))
  await log.checkpoint()
  await store.close()
  return { url: `sqlite:${file(`${name}.db`)}`, events: a }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-evidence-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('airlock audit keygen, prove and verify --checkpoint', () => {
  let main: Awaited<ReturnType<typeof history>>

  it('makes a private key file only its owner reads and prints the public key', async () => {
    const made = await cli(['audit', 'keygen', '--name', ORIGIN, '-o', 'log.key'])
    expect(made.code).toBe(0)
    vkey = made.stdout.trim()
    expect(vkey).toMatch(/^example\.test\/airlock\+[0-9a-f]{8}\+/)
    expect(statSync(file('log.key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(file('log.key'), 'utf8')).toMatch(/^PRIVATE\+KEY\+/)
    const again = await cli(['audit', 'keygen', '--name', ORIGIN, '-o', 'log.key'])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('refusing to overwrite')
    writeFileSync(file('log.pub'), `${vkey}\n`)
    main = await history('main', 5, 3, 'ok')
  })

  it('proves an event into a checkpoint and the growth since an earlier one, offline', async () => {
    const id = main.events[1]!.id
    const prove = await cli(['audit', 'prove', id, '--store', main.url, '--size', '5', '-o', 'inc.json'])
    expect(prove.code).toBe(0)
    expect(
      (
        await cli([
          'audit',
          'prove',
          '--from',
          '5',
          '--store',
          main.url,
          '--checkpoint-out',
          'cp8.note',
          '-o',
          'cons.json',
        ])
      ).code,
    ).toBe(0)
    const inc = JSON.parse(readFileSync(file('inc.json'), 'utf8')) as {
      checkpoint: string
      event: { id: string }
    }
    expect(inc.event.id).toBe(id)
    writeFileSync(file('cp5.note'), inc.checkpoint)

    const ok = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'cp8.note',
      '--previous',
      'cp5.note',
      '--proof',
      'cons.json',
      '--proof',
      'inc.json',
      '--key',
      'log.pub',
    ])
    expect(ok.stdout).toContain('checkpoint of example.test/airlock at size 8 is signed')
    expect(ok.stdout).toContain(`event ${id} (seq 2) is in the log at size 5`)
    expect(ok.stdout).toContain('the log only grew from 5 to 8 leaves')
    expect(ok.code).toBe(0)
  })

  it('detects a changed event, a cut tail, a forked history and a foreign key', async () => {
    const inc = JSON.parse(readFileSync(file('inc.json'), 'utf8')) as { event: { actor: string } }
    writeFileSync(file('edited.json'), JSON.stringify({ ...inc, event: { ...inc.event, actor: 'mallory' } }))
    const edited = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'cp5.note',
      '--proof',
      'edited.json',
      '--key',
      vkey,
    ])
    expect(edited.code).toBe(1)
    expect(edited.stdout).toMatch(/INVALID — event .* is not leaf 1 of the signed tree/)

    const cut = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'cp5.note',
      '--previous',
      'cp8.note',
      '--key',
      vkey,
    ])
    expect(cut.code).toBe(1)
    expect(cut.stdout).toContain('the log shrank from 8 to 5 leaves')

    // The operator rewrites history with the same key: another 8-leaf tree.
    const fork = await history('fork', 5, 3, 'rewritten')
    await cli([
      'audit',
      'prove',
      '--from',
      '5',
      '--store',
      fork.url,
      '--checkpoint-out',
      'fork8.note',
      '-o',
      'fork-cons.json',
    ])
    const forked = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'fork8.note',
      '--previous',
      'cp5.note',
      '--proof',
      'fork-cons.json',
      '--key',
      vkey,
    ])
    expect(forked.code).toBe(1)
    expect(forked.stdout).toContain('does not extend the one of size 5')
    const twin = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'fork8.note',
      '--previous',
      'cp8.note',
      '--key',
      vkey,
    ])
    expect(twin.stdout).toContain('two different roots for size 8')

    await cli(['audit', 'keygen', '--name', ORIGIN, '-o', 'other.key'])
    const other = parseSignerKey(readFileSync(file('other.key'), 'utf8'))
    const { verifierKey } = await import('../../src/evidence/note-keys.js')
    const foreign = await cli(['audit', 'verify', '--checkpoint', 'cp8.note', '--key', verifierKey(other)])
    expect(foreign.code).toBe(1)
    expect(foreign.stdout).toContain('no valid signature')
  })

  it('a witness cosigns a growing log and refuses the forked one', async () => {
    const w = await cli(['audit', 'keygen', '--witness', '--name', 'witness.test', '-o', 'w.key'])
    expect(w.code).toBe(0)
    const base = ['audit', 'witness', '--key', 'w.key', '--log', 'log.pub', '--state', 'state.json']
    const first = await cli([...base, '--checkpoint', 'cp5.note', '-o', 'cp5.cosigned'])
    expect(first.stdout).toContain('COSIGNED — size 5')
    const grown = await cli([...base, '--checkpoint', 'cp8.note', '--proof', 'cons.json'])
    expect(grown.code).toBe(0)
    expect(grown.stdout).toMatch(/\n\u2014 witness\.test \S+\n$/)
    expect(JSON.parse(readFileSync(file('state.json'), 'utf8'))).toMatchObject({ [ORIGIN]: { size: 8 } })

    const fork = await cli([...base, '--checkpoint', 'fork8.note'])
    expect(fork.code).toBe(1)
    expect(fork.stdout).toContain('REFUSED — a different root for size 8: the log shows two histories')
    const stale = await cli([...base, '--checkpoint', 'fork8.note', '--proof', 'fork-cons.json'])
    expect(stale.code).toBe(1)
    expect(stale.stdout).toContain('this witness holds size 8')
    expect(JSON.parse(readFileSync(file('state.json'), 'utf8'))).toMatchObject({ [ORIGIN]: { size: 8 } })

    // An outsider requires the witness's cosignature with its public key.
    const wkey = w.stdout.trim()
    const required = ['--key', 'log.pub', '--witness', wkey]
    const cosigned = await cli(['audit', 'verify', '--checkpoint', 'cp5.cosigned', ...required])
    expect(cosigned.stdout).toMatch(
      /VALID — witness witness\.test cosigned the checkpoint of size 5 at \d{4}-/,
    )
    expect(cosigned.code).toBe(0)
    const bare = await cli(['audit', 'verify', '--checkpoint', 'fork8.note', ...required])
    expect(bare.code).toBe(1)
    expect(bare.stdout).toContain(
      'INVALID — the checkpoint of size 8 carries no valid cosignature by witness witness.test',
    )
    const notWitness = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'cp5.cosigned',
      '--key',
      'log.pub',
      '--witness',
      vkey,
    ])
    expect(notWitness.code).toBe(2)
    expect(notWitness.stderr).toContain('is not a witness key (cosignature/v1)')
  })
})

describe('airlock audit verify and the columns filters read', () => {
  it.each([
    ['actor', "'mallory'"],
    ['status', "'denied'"],
    ['action', "'wipe'"],
    ['tenant_id', "'other'"],
    ['decision', 'NULL'],
  ])('reports a forged %s column like a forged body', async (column, value) => {
    const path = file(`columns-${column}.db`)
    const store = sqliteStore({ path })
    await store.migrate()
    await store.audit.append([sampleEvent(), sampleEvent(), sampleEvent()])
    await store.close()
    const url = `sqlite:${path}`
    expect((await cli(['audit', 'verify', '--store', url])).code).toBe(0)
    const db = new Database(path)
    db.prepare(`UPDATE airlock_audit_events SET ${column} = ${value} WHERE seq = 2`).run()
    db.close()
    const forged = await cli(['audit', 'verify', '--store', url])
    expect(forged.code).toBe(1)
    expect(forged.stdout).toContain(
      `INVALID — broken at seq 2: the stored ${column} column differs from the hashed event`,
    )
  })
})
