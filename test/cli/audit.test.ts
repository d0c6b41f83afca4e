import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { runAirlock } from '../helpers/airlock-binary.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-audit-cli-'))
const db = join(dir, 'audit.db')
const storeUrl = `sqlite:${db}`

const cli = (argv: string[]) => runAirlock(argv, dir)

beforeAll(async () => {
  const echo = defineAction({
    name: 'echo',
    description: 'Echo',
    input: z.object({ text: z.string(), api_key: z.string().optional() }),
    risk: 'low',
    handler: ({ text }) => ({ text }),
  })
  const airlock = createAirlock({
    actions: [echo],
    policies: [allowAll()],
    store: sqliteStore({ path: db }),
    seal: { keys: { k: generateSealKey() }, current: 'k' },
  })
  await airlock.store.migrate()
  for (let i = 0; i < 5; i++)
    await airlock.execute(
      'echo',
      { text: `hello ${i}`, api_key: 'sk_live_abcdef123456' },
      { caller: 'agent' },
    )
  await airlock.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('airlock audit', () => {
  it('verifies an intact store and shows its events without secrets', async () => {
    const verified = await cli(['audit', 'verify', '--store', storeUrl])
    expect(verified.stdout).toContain('VALID — 10 event(s)')
    expect(verified.code).toBe(0)
    const shown = await cli(['audit', 'show', '--store', storeUrl, '--last', '3', '--json'])
    const events = JSON.parse(shown.stdout) as { seq: number }[]
    expect(events.map((e) => e.seq)).toEqual([10, 9, 8])
    expect(shown.stdout).not.toContain('sk_live_abcdef123456')
  })

  it('exports JSONL that verifies, and detects a modified, a deleted and a reordered event', async () => {
    const file = join(dir, 'chain.jsonl')
    expect((await cli(['audit', 'export', '--format', 'jsonl', '--store', storeUrl, '-o', file])).code).toBe(
      0,
    )
    expect((await cli(['audit', 'verify', file])).code).toBe(0)
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(10)

    const modified = join(dir, 'modified.jsonl')
    writeFileSync(
      modified,
      `${lines.map((l, i) => (i === 3 ? l.replace('hello 1', 'hello X') : l)).join('\n')}\n`,
    )
    const m = await cli(['audit', 'verify', modified])
    expect(m.code).toBe(1)
    expect(m.stdout).toContain('broken at seq 4')

    const deleted = join(dir, 'deleted.jsonl')
    writeFileSync(deleted, `${lines.filter((_, i) => i !== 5).join('\n')}\n`)
    const d = await cli(['audit', 'verify', deleted])
    expect(d.code).toBe(1)
    expect(d.stdout).toMatch(/broken at seq [67]/)

    const reordered = join(dir, 'reordered.jsonl')
    const swapped = [...lines]
    ;[swapped[6], swapped[7]] = [swapped[7] as string, swapped[6] as string]
    writeFileSync(reordered, `${swapped.join('\n')}\n`)
    const r = await cli(['audit', 'verify', reordered])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/broken at seq [78]/)
  })

  it('detects an event edited inside the database', async () => {
    const raw = new Database(db)
    raw
      .prepare("UPDATE airlock_audit_events SET body = replace(body, 'hello 2', 'hello Z') WHERE seq = 6")
      .run()
    raw.close()
    const r = await cli(['audit', 'verify', '--store', storeUrl, '--json'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, seq: 6 })
  })

  it('exports owner-only, and never over an existing file or through a symbolic link without --force', async () => {
    const file = join(dir, 'private.jsonl')
    expect((await cli(['audit', 'export', '--store', storeUrl, '-o', file])).code).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const again = await cli(['audit', 'export', '--store', storeUrl, '-o', file])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('--force')

    const victim = join(dir, 'victim.txt')
    writeFileSync(victim, 'keep me', { mode: 0o644 })
    const link = join(dir, 'link.jsonl')
    symlinkSync(victim, link)
    for (const extra of [[], ['--force']]) {
      const through = await cli(['audit', 'export', '--store', storeUrl, '-o', link, ...extra])
      expect(through.code).toBe(2)
      expect(through.stderr).toContain('symbolic link')
    }
    expect(readFileSync(victim, 'utf8')).toBe('keep me')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)

    writeFileSync(file, 'old', { mode: 0o644 })
    expect((await cli(['audit', 'export', '--store', storeUrl, '-o', file, '--force'])).code).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).not.toBe('old')
  })

  it('rejects bad flags with exit 2', async () => {
    expect((await cli(['audit', 'show', '--store', storeUrl, '--last', '0'])).code).toBe(2)
    expect((await cli(['audit', 'show', '--store', storeUrl, '--status', 'exploded'])).code).toBe(2)
    expect((await cli(['audit', 'export', '--store', storeUrl, '--format', 'csv'])).code).toBe(2)
    expect((await cli(['audit', 'verify', '--store', 'mysql://nope'])).code).toBe(3)
  })
})
