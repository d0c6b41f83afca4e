import { describe, expect, it } from 'vitest'
import { migrationPlan } from './migration-runner.js'

const steps = [
  { version: 1, name: 'first', statements: ['CREATE TABLE a (x int)', 'CREATE INDEX a_x ON a (x)'] },
  { version: 2, name: 'second', statements: ['CREATE TABLE b (y int)'] },
]
const at = new Date('2030-01-01T00:00:00.000Z')
const pg = {
  label: 'postgres store: schema s',
  table: '"s".airlock_migrations',
  placeholder: (i: number) => `$${i}`,
}
const lite = { label: 'sqlite store: the database', table: 'airlock_migrations', placeholder: () => '?' }

describe('migrationPlan', () => {
  it('plans every migration of an empty database, each followed by the row that records it', () => {
    expect(migrationPlan(pg, steps, [], at)).toEqual([
      { sql: 'CREATE TABLE a (x int)', params: [] },
      { sql: 'CREATE INDEX a_x ON a (x)', params: [] },
      {
        sql: 'INSERT INTO "s".airlock_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        params: [1, 'first', '2030-01-01T00:00:00.000Z'],
      },
      { sql: 'CREATE TABLE b (y int)', params: [] },
      {
        sql: 'INSERT INTO "s".airlock_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        params: [2, 'second', '2030-01-01T00:00:00.000Z'],
      },
    ])
  })

  it('skips applied versions (as numbers or the strings some drivers return) and binds in the dialect style', () => {
    expect(migrationPlan(lite, steps, ['1'], at)).toEqual([
      { sql: 'CREATE TABLE b (y int)', params: [] },
      {
        sql: 'INSERT INTO airlock_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        params: [2, 'second', '2030-01-01T00:00:00.000Z'],
      },
    ])
    expect(migrationPlan(lite, steps, [1, 2], at)).toEqual([])
  })

  it('refuses a database newer than the code, naming both versions', () => {
    expect(() => migrationPlan(lite, steps, [1, 2, 3], at)).toThrow(
      expect.objectContaining({
        code: 'STORE_ERROR',
        message: expect.stringMatching(
          /^sqlite store: the database is at schema version 3, newer than this Airlock knows \(2\)/,
        ),
      }),
    )
  })
})
