import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { runAirlock, runAirlockOnTerminal } from '../helpers/airlock-binary.js'

const QUICKSTART = resolve(import.meta.dirname, '../../examples/quickstart')
const dir = mkdtempSync(join(tmpdir(), 'airlock-tables-'))
const db = join(dir, 'audit.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '')

/** Where each column of each line starts: the same for every line of an aligned table. */
function columnStarts(lines: readonly string[], column: number): number[] {
  return lines.map((line) => {
    const cells = [...plain(line).matchAll(/\S+/g)]
    return cells[column]?.index ?? -1
  })
}

beforeAll(async () => {
  const action = (name: string) =>
    defineAction({ name, description: name, input: z.object({}), risk: 'low', handler: () => ({}) })
  const airlock = createAirlock({
    actions: [action('a'), action('a-much-longer-action-name')],
    policies: [allowAll()],
    store: sqliteStore({ path: db }),
    seal: { keys: { k: generateSealKey() }, current: 'k' },
  })
  await airlock.store.migrate()
  await airlock.execute('a', {}, { caller: 'x' })
  await airlock.execute('a-much-longer-action-name', {}, { caller: 'an-agent-with-a-long-id' })
  await airlock.close()
})

describe('tables', () => {
  it('audit show lines its columns up under a header', async () => {
    const r = await runAirlock(['audit', 'show', '--store', `sqlite:${db}`], dir)
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n').slice(0, -1)
    expect(lines[0]).toMatch(/^TIME\s+SEQ\s+STATUS\s+ACTION\s+ACTOR\s+TARGET/)
    expect(lines.length).toBe(5)
    for (const column of [1, 2, 3, 4]) expect(new Set(columnStarts(lines, column)).size).toBe(1)
  })

  it('list-actions aligns risk columns, and paints only on a terminal', async () => {
    const tty = await runAirlockOnTerminal(['list-actions'], QUICKSTART)
    expect(tty.code).toBe(0)
    const out = tty.stdout
    expect(out).toContain('\u001b[')
    const lines = out.trimEnd().split('\n').slice(0, -1)
    expect(new Set(columnStarts(lines, 1)).size).toBe(1)
    const piped = await runAirlock(['list-actions'], QUICKSTART)
    expect(piped.stdout).not.toContain('\u001b[')
  })
})
