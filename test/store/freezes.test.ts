// needs-services: postgres
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll } from 'vitest'
import { memoryStore } from '../../src/store/memory/index.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { describeFreezeConformance } from './freeze-conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-freezes-'))
const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const prefix = `airlock_frz_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: url, max: 10 })
let n = 0

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  const { rows } = await pool.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
    [`${prefix}%`],
  )
  for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`)
  await pool.end()
})

describeFreezeConformance('memory', async () => memoryStore())
describeFreezeConformance('sqlite', async () => sqliteStore({ path: join(dir, `s-${n++}.db`) }))
describeFreezeConformance('postgres', async () => postgresStore({ pool, schema: `${prefix}_${n++}` }))
